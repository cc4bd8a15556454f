/** One-line, human-readable summaries of decoded records for `perfkit dump`. */
import type { DecodedRecord, PerfRecord } from "@perfkit/format";

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

/** JSON replacer: bigint as decimal strings, bytes as hex. */
export function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (v instanceof BigUint64Array || v instanceof BigInt64Array) return Array.from(v, String);
  return v;
}

/** A summary of a record's decoded fields (`PERF_RECORD_MMAP pid/tid: [...]`). */
export function describeRecord(rec: PerfRecord, d: DecodedRecord): string {
  const name = `PERF_RECORD_${rec.typeName}`;
  switch (d.kind) {
    case "SAMPLE": {
      const s = d.sample;
      const parts = [`(IP, 0x${rec.misc.toString(16)}): ${s.pid ?? -1}/${s.tid ?? -1}: ${hex(s.ip ?? 0n)}`];
      parts.push(`period: ${s.period}`, `addr: ${hex(s.addr ?? 0n)}`);
      const cc = s.callchain;
      let out = `${name}${parts.join(" ")}`;
      if (cc)
        out += `\n... FP chain: nr:${cc.length}\n${Array.from(cc, (ip, i) => `.....  ${i}: ${ip.toString(16).padStart(16, "0")}`).join("\n")}`;
      return out;
    }
    case "MMAP":
    case "MMAP2":
      return `${name} ${d.pid}/${d.tid}: [${hex(d.start)}(${hex(d.len)}) @ ${hex(d.pgoff)}]: ${d.filename}`;
    case "COMM":
      return `${name}${d.exec ? " exec" : ""}: ${d.comm}:${d.pid}/${d.tid}`;
    case "FORK":
    case "EXIT":
      return `${name}(${d.pid}:${d.tid}):(${d.ppid}:${d.ptid})`;
    case "UNKNOWN":
      return `${name} type ${d.type}`;
    default: {
      const { kind: _k, ...rest } = d as unknown as Record<string, unknown>;
      return `${name} ${JSON.stringify(rest, jsonReplacer)}`;
    }
  }
}
