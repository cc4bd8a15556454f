/**
 * The PMU description features: PMU_MAPPINGS (`u32 nr;` per PMU `u32 type; string name`),
 * CPU_PMU_CAPS (`u32 nr;` then name/value string pairs), PMU_CAPS (`u32 nr_pmus;` per PMU
 * `u32 nr_caps;` pairs, `string pmu_name`) and HYBRID_TOPOLOGY (`u32 nr;` per PMU
 * `string pmu_name; string cpu_list`).
 */
import type { FeatureReader } from "./reader.ts";
import type { CpuPmuCapsFeature, HybridTopologyFeature, PmuCap, PmuCapsFeature, PmuMappingsFeature } from "./types.ts";

/** Decodes PMU_MAPPINGS. */
export function decodePmuMappings(r: FeatureReader): PmuMappingsFeature {
  const nr = r.u32("nr pmus");
  r.needEntries(nr, 8, "pmus");
  const pmus: PmuMappingsFeature["pmus"] = [];
  for (let i = 0; i < nr; i++) {
    const type = r.u32("pmu type");
    const name = r.string("pmu name");
    pmus.push({ type, name });
  }
  return { feature: "PMU_MAPPINGS", pmus };
}

function readCaps(r: FeatureReader): PmuCap[] {
  const nr = r.u32("nr caps");
  r.needEntries(nr, 8, "caps");
  const caps: PmuCap[] = [];
  for (let i = 0; i < nr; i++) {
    const name = r.string("cap name");
    const value = r.string("cap value");
    caps.push({ name, value });
  }
  return caps;
}

/** Decodes CPU_PMU_CAPS. */
export function decodeCpuPmuCaps(r: FeatureReader): CpuPmuCapsFeature {
  return { feature: "CPU_PMU_CAPS", caps: readCaps(r) };
}

/** Decodes PMU_CAPS. */
export function decodePmuCaps(r: FeatureReader): PmuCapsFeature {
  const nr = r.u32("nr pmus");
  r.needEntries(nr, 8, "pmus");
  const pmus: PmuCapsFeature["pmus"] = [];
  for (let i = 0; i < nr; i++) {
    const caps = readCaps(r);
    const pmuName = r.string("pmu name");
    pmus.push({ pmuName, caps });
  }
  return { feature: "PMU_CAPS", pmus };
}

/** Decodes HYBRID_TOPOLOGY. */
export function decodeHybridTopology(r: FeatureReader): HybridTopologyFeature {
  const nr = r.u32("nr pmus");
  r.needEntries(nr, 8, "pmus");
  const nodes: HybridTopologyFeature["nodes"] = [];
  for (let i = 0; i < nr; i++) {
    const pmuName = r.string("pmu name");
    const cpus = r.string("cpu list");
    nodes.push({ pmuName, cpus });
  }
  return { feature: "HYBRID_TOPOLOGY", nodes };
}
