/**
 * Folded-stack count (samples per unique symbolised stack) through the public session API —
 * the work bench/folded.py does in perf's embedded Python — written the way a perfkit user
 * would for speed: the raw callchain words are hashed straight from the sample, and each
 * distinct (thread, raw chain) is symbolised once.
 */
import { PerfData, type SampleEvent, Session } from "@perfkit/session";

const counts = new Map<string, number>();
/** Folded text per raw-chain hash, with the words kept to rule out collisions. */
const memo = new Map<number, { words: Uint32Array; comm: string; folded: string }[]>();

function fold(ev: SampleEvent): string {
  const chain = ev.callchain;
  const names: string[] = [];
  if (chain) for (let i = chain.length - 1; i >= 0; i--) names.push(chain.at(i).symbol);
  else names.push(ev.symbol ?? "[unknown]");
  return `${ev.comm};${names.join(";")}`;
}

using data = new PerfData({ path: process.argv[2] ?? "perf.data" });
using session = new Session(data, {
  sample(ev) {
    const s = ev.sample;
    const at = s.callchainOffset;
    const n = s.callchainLength;
    let folded: string;
    if (at < 0) folded = fold(ev);
    else {
      // FNV-1a over the chain's 32-bit words.
      const v = s.view;
      let h = 0x811c9dc5;
      for (let i = 0, p = at; i < 2 * n; i++, p += 4) h = Math.imul(h ^ v.getUint32(p, true), 0x01000193);
      h = (h >>> 0) + (ev.samplePid ?? 0) * 4294967296;
      const bucket = memo.get(h);
      const words = new Uint32Array(v.buffer, v.byteOffset + at, 2 * n);
      let hit = bucket?.find(
        (e) => e.comm === ev.comm && e.words.length === words.length && e.words.every((w, i) => w === words[i]),
      );
      if (!hit) {
        hit = { words: words.slice(), comm: ev.comm, folded: fold(ev) };
        if (bucket) bucket.push(hit);
        else memo.set(h, [hit]);
      }
      folded = hit.folded;
    }
    counts.set(folded, (counts.get(folded) ?? 0) + 1);
  },
});
session.processEvents();
let total = 0;
for (const c of counts.values()) total += c;
console.log(counts.size, total);
