/**
 * Folded-stack count (samples per unique symbolised stack) through the public session API —
 * the work bench/folded.py does in perf's embedded Python — written the way a perfkit user
 * would for speed: `session.walk()` (no object per record), the raw callchain words hashed
 * straight from the record, and each distinct (thread, comm, raw chain) symbolised once
 * through a full SampleEvent.
 */
import { PerfData, type SampleEvent, Session } from "@perfkit/session";

/** Samples per folded stack id, and the folded text per id. */
const counts: number[] = [];
const foldedIds = new Map<string, number>();
/** Per hash of (pid, raw chain): the stacks seen, with their words and comm to rule out collisions. */
const memo = new Map<number, { words: Uint32Array; pid: number; comm: string; id: number }[]>();

function fold(ev: SampleEvent): string {
  const chain = ev.callchain;
  const names: string[] = [];
  if (chain) for (let i = chain.length - 1; i >= 0; i--) names.push(chain.at(i).symbol);
  else names.push(ev.symbol ?? "[unknown]");
  return `${ev.comm};${names.join(";")}`;
}

function idOf(folded: string): number {
  let id = foldedIds.get(folded);
  if (id === undefined) {
    id = counts.length;
    counts.push(0);
    foldedIds.set(folded, id);
  }
  return id;
}

using data = new PerfData({ path: process.argv[2] ?? "perf.data" });
using session = new Session(data);
const machine = session.machine;
const w = session.walk();
while (w.next()) {
  const rec = w.record;
  if (rec.type !== 9 || !w.evsel) continue;
  const s = rec.sample();
  const at = s.callchainOffset;
  const pid = s.pid ?? -1;
  const comm = machine.findnewThread(pid, s.tid ?? -1).comm();
  if (at < 0) {
    counts[idOf(fold(session.toEvent(w) as SampleEvent))]!++;
    continue;
  }
  const n = s.callchainLength;
  const v = s.view;
  // FNV-1a over the chain's 32-bit words and the pid.
  let h = Math.imul(0x811c9dc5 ^ pid, 0x01000193);
  for (let p = at, end = at + 8 * n; p < end; p += 4) h = Math.imul(h ^ v.getUint32(p, true), 0x01000193);
  let bucket = memo.get(h);
  let id = -1;
  if (bucket) {
    for (const e of bucket) {
      if (e.pid !== pid || e.comm !== comm || e.words.length !== 2 * n) continue;
      let same = true;
      for (let i = 0, p = at; i < e.words.length; i++, p += 4) {
        if (e.words[i] !== v.getUint32(p, true)) {
          same = false;
          break;
        }
      }
      if (same) {
        id = e.id;
        break;
      }
    }
  } else {
    bucket = [];
    memo.set(h, bucket);
  }
  if (id < 0) {
    const words = new Uint32Array(2 * n);
    for (let i = 0, p = at; i < words.length; i++, p += 4) words[i] = v.getUint32(p, true);
    id = idOf(fold(session.toEvent(w) as SampleEvent));
    bucket.push({ words, pid, comm, id });
  }
  counts[id]!++;
}
let total = 0;
for (const c of counts) total += c;
console.log(counts.length, total);
