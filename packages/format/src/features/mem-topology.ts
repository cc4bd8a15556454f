/**
 * MEM_TOPOLOGY: `u64 version; u64 block_size; u64 nr;` per node `u64 node; u64 nbits;`
 * then a perf bitmap (`u64 nbits; u64 words[ceil(nbits/64)]`).
 */
import type { FeatureReader } from "./reader.ts";
import type { MemoryNode, MemTopologyFeature } from "./types.ts";

/** Decodes MEM_TOPOLOGY. */
export function decodeMemTopology(r: FeatureReader): MemTopologyFeature {
  const version = r.u64("version");
  const blockSize = r.u64("block_size");
  const nr = r.u64n("nr nodes");
  r.needEntries(nr, 24, "nodes");
  const nodes: MemoryNode[] = [];
  for (let i = 0; i < nr; i++) {
    const node = r.u64("node");
    const nbits = r.u64("nbits");
    const at = r.pos;
    const bitmapBits = r.u64n("bitmap nbits");
    if (BigInt(bitmapBits) !== nbits) r.fail(`bitmap size ${bitmapBits} differs from node size ${nbits}`, at);
    const nrWords = Math.ceil(bitmapBits / 64);
    r.needEntries(nrWords, 8, "bitmap words");
    const words: bigint[] = [];
    for (let w = 0; w < nrWords; w++) words.push(r.u64("bitmap word"));
    nodes.push({ node, nbits, words });
  }
  return { feature: "MEM_TOPOLOGY", version, blockSize, nodes };
}
