/** Prints a one-line summary per record type and the first samples: `bun examples/records.ts FILE`. */
import { openPerfData, RecordType } from "@perfkit/format";

using file = openPerfData(process.argv[2] ?? "perf.data");
console.log(`${file.mode} mode, ${file.littleEndian ? "little" : "big"}-endian`);
for (const e of file.events) console.log(`event ${e.index}: ${file.eventName(e)} (ids ${e.ids.join(", ")})`);
const counts = new Map<string, number>();
let shown = 0;
for (const rec of file.records({ ordered: true })) {
  counts.set(rec.typeName, (counts.get(rec.typeName) ?? 0) + 1);
  if (rec.type === RecordType.SAMPLE && shown++ < 3) {
    const s = rec.sample();
    console.log(
      `sample pid ${s.pid} tid ${s.tid} time ${s.time} ip 0x${s.ip?.toString(16)} frames ${s.callchain?.length ?? 0}`,
    );
  }
}
for (const [name, n] of counts) console.log(`${name.padStart(16)} ${n}`);
