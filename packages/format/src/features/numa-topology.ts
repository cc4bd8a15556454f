/** NUMA_TOPOLOGY: `u32 nr;` per node `u32 node; u64 mem_total_kB; u64 mem_free_kB; string cpu_list`. */
import type { FeatureReader } from "./reader.ts";
import type { NumaNode, NumaTopologyFeature } from "./types.ts";

/** Decodes NUMA_TOPOLOGY. */
export function decodeNumaTopology(r: FeatureReader): NumaTopologyFeature {
  const nr = r.u32("nr nodes");
  r.needEntries(nr, 24, "nodes");
  const nodes: NumaNode[] = [];
  for (let i = 0; i < nr; i++) {
    const node = r.u32("node");
    const memTotalKB = r.u64("mem_total");
    const memFreeKB = r.u64("mem_free");
    const cpuList = r.string("cpu list");
    nodes.push({ node, memTotalKB, memFreeKB, cpuList });
  }
  return { feature: "NUMA_TOPOLOGY", nodes };
}
