/**
 * Feature-section decoders (§5): `decodeFeature` turns one section's payload into a typed
 * value; `decodeFeatures` decodes a whole feature table, NRCPUS first (CPU_TOPOLOGY and
 * CPU_DOMAIN_INFO are sized by it) and isolating failures per feature.
 */
import { Feature, type FeatureName } from "../constants.ts";
import { checkArg, PerfDataError } from "../errors.ts";
import { decodeAuxtrace } from "./auxtrace.ts";
import { decodeBpfBtf, decodeBpfProgInfo } from "./bpf.ts";
import { decodeBuildIds } from "./build-id.ts";
import { decodeCache } from "./cache.ts";
import { decodeCmdline } from "./cmdline.ts";
import { decodeCpuDomainInfo } from "./cpu-domain-info.ts";
import { decodeCpuTopology } from "./cpu-topology.ts";
import { decodeEventDesc } from "./event-desc.ts";
import { decodeGroupDesc } from "./group-desc.ts";
import { decodeMemTopology } from "./mem-topology.ts";
import { decodeNumaTopology } from "./numa-topology.ts";
import { decodeCpuPmuCaps, decodeHybridTopology, decodePmuCaps, decodePmuMappings } from "./pmu.ts";
import { FeatureReader } from "./reader.ts";
import {
  decodeClockData,
  decodeClockid,
  decodeCompressed,
  decodeDirFormat,
  decodeFlag,
  decodeNrCpus,
  decodeSampleTime,
  decodeTotalMem,
} from "./scalars.ts";
import { decodeStringFeature } from "./strings.ts";
import type { FeatureContext, FeatureValue } from "./types.ts";

export { toHex as buildIdHex } from "./build-id.ts";
export type * from "./types.ts";

const names: string[] = [];
for (const [name, id] of Object.entries(Feature)) names[id] = name;

/** perf's name of a feature id (`HOSTNAME`, …), or undefined for ids this package does not know. */
export function featureName(id: number): FeatureName | undefined {
  return names[id] as FeatureName | undefined;
}

type Decoder = (r: FeatureReader, ctx: FeatureContext) => FeatureValue;

const decoders: Record<number, Decoder> = {
  [Feature.TRACING_DATA]: (r) => ({ feature: "TRACING_DATA", bytes: r.take(r.remaining) }),
  [Feature.BUILD_ID]: decodeBuildIds,
  [Feature.HOSTNAME]: (r) => decodeStringFeature(r, "HOSTNAME"),
  [Feature.OSRELEASE]: (r) => decodeStringFeature(r, "OSRELEASE"),
  [Feature.VERSION]: (r) => decodeStringFeature(r, "VERSION"),
  [Feature.ARCH]: (r) => decodeStringFeature(r, "ARCH"),
  [Feature.NRCPUS]: decodeNrCpus,
  [Feature.CPUDESC]: (r) => decodeStringFeature(r, "CPUDESC"),
  [Feature.CPUID]: (r) => decodeStringFeature(r, "CPUID"),
  [Feature.TOTAL_MEM]: decodeTotalMem,
  [Feature.CMDLINE]: decodeCmdline,
  [Feature.EVENT_DESC]: decodeEventDesc,
  [Feature.CPU_TOPOLOGY]: decodeCpuTopology,
  [Feature.NUMA_TOPOLOGY]: decodeNumaTopology,
  [Feature.BRANCH_STACK]: () => decodeFlag("BRANCH_STACK"),
  [Feature.PMU_MAPPINGS]: decodePmuMappings,
  [Feature.GROUP_DESC]: decodeGroupDesc,
  [Feature.AUXTRACE]: decodeAuxtrace,
  [Feature.STAT]: () => decodeFlag("STAT"),
  [Feature.CACHE]: decodeCache,
  [Feature.SAMPLE_TIME]: decodeSampleTime,
  [Feature.MEM_TOPOLOGY]: decodeMemTopology,
  [Feature.CLOCKID]: decodeClockid,
  [Feature.DIR_FORMAT]: decodeDirFormat,
  [Feature.BPF_PROG_INFO]: decodeBpfProgInfo,
  [Feature.BPF_BTF]: decodeBpfBtf,
  [Feature.COMPRESSED]: decodeCompressed,
  [Feature.CPU_PMU_CAPS]: decodeCpuPmuCaps,
  [Feature.CLOCK_DATA]: decodeClockData,
  [Feature.HYBRID_TOPOLOGY]: decodeHybridTopology,
  [Feature.PMU_CAPS]: decodePmuCaps,
  [Feature.CPU_DOMAIN_INFO]: decodeCpuDomainInfo,
};

/**
 * Decodes one feature section. `bytes` is exactly the section payload; `baseOffset` (its
 * absolute file offset) only makes error messages point at the right place. Unknown ids
 * come back as `{ feature: "UNKNOWN", id, bytes }`. Throws PerfDataError("bad-feature") on
 * damage; trailing bytes after a complete decode are tolerated (writers pad).
 */
export function decodeFeature(id: number, bytes: Uint8Array, ctx: FeatureContext, baseOffset = 0): FeatureValue {
  checkArg(Number.isInteger(id) && id >= 0 && id < 256, "id", "an integer feature id in 0..255", id);
  checkArg(bytes instanceof Uint8Array, "bytes", "a Uint8Array", bytes);
  checkArg(
    typeof ctx === "object" && ctx !== null && typeof ctx.littleEndian === "boolean",
    "ctx",
    "a FeatureContext with a boolean littleEndian",
    ctx,
  );
  checkArg(Number.isInteger(baseOffset) && baseOffset >= 0, "baseOffset", "a non-negative integer", baseOffset);
  const decode = decoders[id];
  if (!decode) return { feature: "UNKNOWN", id, bytes };
  const r = new FeatureReader(bytes, ctx.littleEndian, baseOffset, featureName(id) ?? `feature ${id}`);
  return decode(r, ctx);
}

/** One entry of the feature table with its payload (PerfDataFile's FeatureSection fits). */
interface SectionPayload {
  id: number;
  /** Exactly the section payload. */
  bytes: Uint8Array;
  /** Absolute file offset of the payload. */
  offset: number;
}

/**
 * Decodes every section of a feature table. NRCPUS is decoded first so the per-CPU parts
 * of CPU_TOPOLOGY and CPU_DOMAIN_INFO can be sized. A damaged section yields an error in
 * `errors` and is left out of `features`; the others still decode.
 */
export function decodeFeatures(
  sections: readonly SectionPayload[],
  littleEndian: boolean,
): { features: Map<number, FeatureValue>; errors: PerfDataError[] } {
  checkArg(Array.isArray(sections), "sections", "an array of { id, bytes, offset }", sections);
  checkArg(typeof littleEndian === "boolean", "littleEndian", "a boolean", littleEndian);
  const ctx: FeatureContext = { littleEndian };
  const errors: PerfDataError[] = [];
  const decoded = new Map<number, FeatureValue>();
  const tryDecode = (s: SectionPayload): void => {
    try {
      decoded.set(s.id, decodeFeature(s.id, s.bytes, ctx, s.offset));
    } catch (e) {
      if (e instanceof PerfDataError) errors.push(e);
      else if (e instanceof TypeError) throw e;
      else errors.push(new PerfDataError("bad-feature", `feature ${s.id}: ${String(e)}`, s.offset));
    }
  };
  const nrcpus = sections.find((s) => s?.id === Feature.NRCPUS);
  if (nrcpus) {
    tryDecode(nrcpus);
    const v = decoded.get(Feature.NRCPUS);
    if (v?.feature === "NRCPUS") {
      ctx.nrCpusAvail = v.nrCpusAvail;
      ctx.nrCpusOnline = v.nrCpusOnline;
    }
  }
  for (const s of sections) {
    if (s !== nrcpus) tryDecode(s);
  }
  // Keep the map in section (bit) order whatever the decode order was.
  const features = new Map<number, FeatureValue>();
  for (const s of sections) {
    const v = decoded.get(s.id);
    if (v) features.set(s.id, v);
  }
  return { features, errors };
}
