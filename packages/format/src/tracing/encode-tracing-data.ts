/**
 * Writes a TRACING_DATA blob (§16.1) from format texts: what perf record stores so that
 * tracepoint samples can be decoded later. The inverse of {@link parseTracingData}.
 */
import { checkArg } from "../errors.ts";

/** The parts of a tracing-data blob, as texts. */
export interface TracingDataParts {
  /** Byte order of the traced kernel (raw payloads), default little-endian. */
  littleEndian?: boolean;
  /** sizeof(long) of the writer, default 8. */
  longSize?: number;
  /** Default 4096. */
  pageSize?: number;
  /** events/header_page text. */
  headerPage: string;
  /** events/header_event text. */
  headerEvent: string;
  /** Format texts of the ftrace system. */
  ftraceFormats?: readonly string[];
  /** Format texts per system (`sched` → [sched_switch format, …]). */
  systems: ReadonlyMap<string, readonly string[]>;
  /** printk_formats text (`0xADDR : "fmt"` lines). */
  printk?: string;
  /** saved_cmdlines text (`pid comm` lines). */
  savedCmdlines?: string;
}

const enc = new TextEncoder();

/** Encodes a version 0.6 tracing-data blob, padded to a multiple of 8 bytes. */
export function encodeTracingData(p: TracingDataParts): Uint8Array {
  checkArg(typeof p === "object" && p !== null, "parts", "an object", p);
  checkArg(typeof p.headerPage === "string", "parts.headerPage", "a string", p.headerPage);
  checkArg(p.systems instanceof Map, "parts.systems", "a Map", p.systems);
  const le = p.littleEndian ?? true;
  const chunks: Uint8Array[] = [];
  const num = (v: number | bigint, size: 1 | 4 | 8) => {
    const b = new Uint8Array(size);
    const d = new DataView(b.buffer);
    if (size === 1) d.setUint8(0, Number(v));
    else if (size === 4) d.setUint32(0, Number(v), le);
    else d.setBigUint64(0, BigInt(v), le);
    chunks.push(b);
  };
  const bytes = (s: string) => chunks.push(enc.encode(s));
  const cstr = (s: string) => chunks.push(enc.encode(`${s}\0`));
  const sized = (text: string, size: 4 | 8) => {
    const b = enc.encode(text);
    num(b.length, size);
    chunks.push(b);
  };
  chunks.push(new Uint8Array([0x17, 0x08, 0x44]));
  bytes("tracing");
  cstr("0.6");
  num(le ? 0 : 1, 1);
  num(p.longSize ?? 8, 1);
  num(p.pageSize ?? 4096, 4);
  cstr("header_page");
  sized(p.headerPage, 8);
  cstr("header_event");
  sized(p.headerEvent ?? "", 8);
  const ftrace = p.ftraceFormats ?? [];
  num(ftrace.length, 4);
  for (const f of ftrace) sized(f, 8);
  num(p.systems.size, 4);
  for (const [system, formats] of p.systems) {
    cstr(system);
    num(formats.length, 4);
    for (const f of formats) sized(f, 8);
  }
  sized("", 4); // kallsyms: perf no longer stores them here
  sized(p.printk ?? "", 4);
  sized(p.savedCmdlines ?? "", 8);
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(Math.ceil(n / 8) * 8);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
