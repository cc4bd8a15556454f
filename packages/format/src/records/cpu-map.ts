/** `perf_record_cpu_map_data` (§18.2), used by CPU_MAP and EVENT_UPDATE CPUS. Byte-packed on purpose. */
import { PerfDataError } from "../errors.ts";

/** Decodes a cpu map at `pos` bounded by `end`; -1 stands for "any CPU". */
export function decodeCpuMap(view: DataView, pos: number, end: number, le: boolean, fileOffset: number): number[] {
  const fail = (msg: string): never => {
    throw new PerfDataError("bad-record", `cpu map: ${msg}`, fileOffset);
  };
  if (pos + 4 > end) fail("too short");
  const type = view.getUint16(pos, le);
  if (type === 0) {
    const nr = view.getUint16(pos + 2, le);
    if (pos + 4 + nr * 2 > end) fail(`${nr} cpus do not fit`);
    const out: number[] = [];
    for (let i = 0; i < nr; i++) {
      const c = view.getUint16(pos + 4 + 2 * i, le);
      out.push(c === 0xffff ? -1 : c);
    }
    return out;
  }
  if (type === 1) {
    if (pos + 6 > end) fail("mask header too short");
    const nr = view.getUint16(pos + 2, le);
    const longSize = view.getUint16(pos + 4, le);
    if (longSize !== 4 && longSize !== 8) fail(`mask long_size ${longSize}`);
    const base = longSize === 4 ? pos + 6 : pos + 10;
    if (base + nr * longSize > end) fail(`${nr} mask words do not fit`);
    const out: number[] = [];
    for (let w = 0; w < nr; w++) {
      const word = longSize === 4 ? BigInt(view.getUint32(base + 4 * w, le)) : view.getBigUint64(base + 8 * w, le);
      for (let b = 0; b < longSize * 8; b++) if ((word >> BigInt(b)) & 1n) out.push(w * longSize * 8 + b);
    }
    return out;
  }
  if (type === 2) {
    if (pos + 8 > end) fail("range too short");
    const any = view.getUint8(pos + 2);
    const start = view.getUint16(pos + 4, le);
    const stop = view.getUint16(pos + 6, le);
    const out = any ? [-1] : [];
    for (let c = start; c <= stop; c++) out.push(c);
    return out;
  }
  return fail(`unknown type ${type}`);
}
