/**
 * Parser of perf's TRACING_DATA blob (feature section 1, or the payload of record 66 in pipe
 * mode): the event formats perf copied from tracefs when recording. Layout: perf-data-format §16.
 */
import { checkArg, PerfDataError } from "../errors.ts";
import { type EventFormat, FormatParseError, parseEventFormat } from "./event-format.ts";

/** The decoded TRACING_DATA blob. */
export interface TracingData {
  /** Version string, "0.5" or "0.6". */
  readonly version: string;
  /** Byte order of the traced kernel: raw tracepoint records use it. */
  readonly littleEndian: boolean;
  /** `long`/pointer size to use for fields: the header_page `commit` size when present (as perf does). */
  readonly longSize: number;
  /** `long_size` as the writing perf stored it. */
  readonly fileLongSize: number;
  /** Kernel page size. */
  readonly pageSize: number;
  /** Text of events/header_page. */
  readonly headerPage: string;
  /** Text of events/header_event. */
  readonly headerEvent: string;
  /** Formats of the "ftrace" system (function, print, …). */
  readonly ftraceFormats: readonly EventFormat[];
  /** Formats of every other system, in blob order. */
  readonly events: readonly EventFormat[];
  /** Format texts that did not parse; the other formats are still available. */
  readonly formatErrors: readonly FormatParseError[];
  /** Raw kallsyms text (newer perf writes none). */
  readonly kallsyms: string;
  /** printk formats by address (from `0xADDR : "fmt"` lines). */
  readonly printk: ReadonlyMap<bigint, string>;
  /** Saved command lines (pid → comm), version 0.6 and later. */
  readonly savedCmdlines: ReadonlyMap<number, string>;
  /** Bytes of the blob consumed (without the record form's padding). */
  readonly size: number;
  /** The format whose ID is `id` (= `attr.config` = `common_type`), or undefined. */
  eventById(id: number): EventFormat | undefined;
  /** The format of `system:name`, or undefined. */
  eventByName(system: string, name: string): EventFormat | undefined;
}

const MAGIC = [0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67]; // \x17\x08D"tracing"
const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/** A bounded cursor over the blob; every read names the absolute offset on failure. */
class Cursor {
  pos = 0;
  private readonly view: DataView;
  le = true;
  constructor(
    readonly bytes: Uint8Array,
    readonly base: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(what: string, at = this.pos): never {
    throw new PerfDataError("bad-feature", `tracing data: ${what}`, this.base + at);
  }
  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.bytes.length)
      this.fail(`${what} needs ${n} bytes but only ${this.bytes.length - this.pos} remain`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, this.le);
    this.pos += 4;
    return v;
  }
  u64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, this.le);
    if (v > BigInt(this.bytes.length)) this.fail(`${what} size ${v} exceeds the blob`);
    this.pos += 8;
    return Number(v);
  }
  cstring(what: string, max = 4096): string {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0 || end - this.pos > max) this.fail(`unterminated ${what}`);
    const s = latin1.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
  text(n: number, what: string): string {
    this.need(n, what);
    const s = utf8.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  literal(lit: string): void {
    const start = this.pos;
    const got = this.cstring(`"${lit}" tag`, 64);
    if (got !== lit) this.fail(`expected "${lit}" tag, found "${got}"`, start);
  }
}

/**
 * Parses a TRACING_DATA blob. `baseOffset` is the blob's position in the file, added to the
 * offsets in error messages. Throws {@link PerfDataError} (kind "bad-feature") on damage;
 * a malformed event format is recorded in `formatErrors` and skipped, as perf does.
 */
export function parseTracingData(bytes: Uint8Array, baseOffset = 0): TracingData {
  checkArg(bytes instanceof Uint8Array, "bytes", "a Uint8Array", bytes);
  checkArg(Number.isInteger(baseOffset) && baseOffset >= 0, "baseOffset", "a non-negative integer", baseOffset);
  const c = new Cursor(bytes, baseOffset);
  c.need(MAGIC.length, "magic");
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) c.fail("bad magic (want \\x17\\x08Dtracing)", i);
  c.pos = MAGIC.length;
  const version = c.cstring("version string", 16);
  const bigEndian = c.u8("endian flag");
  if (bigEndian > 1) c.fail(`endian flag ${bigEndian} is neither 0 nor 1`, c.pos - 1);
  c.le = bigEndian === 0;
  const fileLongSize = c.u8("long_size");
  if (fileLongSize !== 4 && fileLongSize !== 8) c.fail(`long_size ${fileLongSize} is neither 4 nor 8`, c.pos - 1);
  const pageSize = c.u32("page_size");

  c.literal("header_page");
  const headerPage = c.text(c.u64("header_page"), "header_page text");
  c.literal("header_event");
  const headerEvent = c.text(c.u64("header_event"), "header_event text");

  const formatErrors: FormatParseError[] = [];
  const readFormats = (system: string, into: EventFormat[]) => {
    const count = c.u32(`${system} event count`);
    if (count > bytes.length) c.fail(`${system} event count ${count} is implausible`, c.pos - 4);
    for (let i = 0; i < count; i++) {
      const at = c.pos;
      const text = c.text(c.u64(`${system} format #${i} size`), `${system} format #${i}`);
      try {
        into.push(parseEventFormat(text, `tracing-data@0x${(baseOffset + at).toString(16)}:${system}#${i}`, system));
      } catch (e) {
        if (e instanceof FormatParseError) formatErrors.push(e);
        else throw e;
      }
    }
  };
  const ftraceFormats: EventFormat[] = [];
  readFormats("ftrace", ftraceFormats);
  const events: EventFormat[] = [];
  const systems = c.u32("system count");
  if (systems > bytes.length) c.fail(`system count ${systems} is implausible`, c.pos - 4);
  for (let s = 0; s < systems; s++) readFormats(c.cstring(`system name #${s}`), events);

  const kallsyms = c.text(c.u32("kallsyms size"), "kallsyms");
  const printk = parsePrintk(c.text(c.u32("printk size"), "printk formats"));
  let savedCmdlines = new Map<number, string>();
  if (Number.parseFloat(version) >= 0.6 && c.pos < bytes.length)
    savedCmdlines = parseCmdlines(c.text(c.u64("saved_cmdlines size"), "saved_cmdlines"));

  const longSize = commitSize(headerPage) ?? fileLongSize;
  const byId = new Map<number, EventFormat>();
  for (const f of [...ftraceFormats, ...events]) if (!byId.has(f.id)) byId.set(f.id, f);
  const byName = new Map<string, EventFormat>();
  for (const f of [...ftraceFormats, ...events]) byName.set(`${f.system}:${f.name}`, f);
  return {
    version,
    littleEndian: c.le,
    longSize,
    fileLongSize,
    pageSize,
    headerPage,
    headerEvent,
    ftraceFormats,
    events,
    formatErrors,
    kallsyms,
    printk,
    savedCmdlines,
    size: c.pos,
    eventById(id: number) {
      checkArg(Number.isInteger(id), "id", "an integer", id);
      return byId.get(id);
    },
    eventByName(system: string, name: string) {
      checkArg(typeof system === "string", "system", "a string", system);
      checkArg(typeof name === "string", "name", "a string", name);
      return byName.get(`${system}:${name}`);
    },
  };
}

/** Size of header_page's `commit` field: perf uses it as the kernel's long size. */
function commitSize(headerPage: string): number | undefined {
  const m = /field:\s*\S.*\bcommit;\s*offset:\s*\d+;\s*size:\s*(\d+);/.exec(headerPage);
  const n = m ? Number(m[1]) : 0;
  return n === 4 || n === 8 ? n : undefined;
}

function parsePrintk(text: string): Map<bigint, string> {
  const out = new Map<bigint, string>();
  for (const line of text.split("\n")) {
    const m = /^\s*0x([0-9a-fA-F]+)\s*:\s*"?(.*?)"?\s*$/.exec(line);
    if (m) out.set(BigInt(`0x${m[1]}`), m[2]);
  }
  return out;
}

function parseCmdlines(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp > 0 && /^\d+$/.test(line.slice(0, sp))) out.set(Number(line.slice(0, sp)), line.slice(sp + 1));
  }
  return out;
}
