/**
 * Full decode of a perf.data: every record, every sample field. Prints counts so the work
 * cannot be optimised away. Used by `bun run bench`.
 */
import { openPerfData } from "@perfkit/format";

const path = process.argv[2] ?? "perf.data";
using file = openPerfData(path);
let samples = 0;
let frames = 0;
let other = 0;
let checksum = 0n;
const w = file.cursor();
while (w.next()) {
  if (w.type === 9) {
    const s = w.sample();
    samples++;
    checksum ^= s.ip ?? 0n;
    s.pid;
    s.tid;
    s.time;
    s.cpu;
    s.period;
    s.id;
    const cc = s.callchain;
    if (cc) frames += cc.length;
    s.raw;
    s.read;
    s.branchStack;
    s.regsUser;
    s.stackUser;
  } else {
    w.record().decode();
    other++;
  }
}
console.log(JSON.stringify({ samples, frames, other, checksum: checksum.toString(16) }));
