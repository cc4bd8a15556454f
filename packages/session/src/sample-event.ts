/**
 * PERF_RECORD_SAMPLE as a self-contained event (perf python's pyrf_sample_event): it owns a
 * copy of the record bytes and the address-space snapshot of its moment, so it stays valid
 * after the session moves on. Decoding, symbol resolution and tracepoint fields are lazy.
 */
import {
  decodeField,
  decodeFields,
  type EventFormat,
  type FieldValue,
  type ReadValues,
  RecordType,
  type Sample,
  type SampleRegs,
} from "@perfkit/format";
import type { MappedModule } from "./dwarf/session-hook.ts";
import type { Evsel } from "./evsel.ts";
import { type AddressSpace, callchainEntriesAt, type Resolved, resolveIp, symbolOffset } from "./resolve.ts";
import { BranchStackSeq, Callchain, type CallchainFrame } from "./sequences.ts";
import { isDwarfMode, type SessionDwarf } from "./session-dwarf.ts";
import { sourceText } from "./source-text.ts";

/** How to read a tracepoint event's raw data (from the recording's tracing data). */
export interface TracepointFormat {
  readonly format: EventFormat;
  readonly littleEndian: boolean;
  readonly longSize: number;
}

/** A sample. Absent fields read as undefined; unresolved names as null. */
export class SampleEvent {
  readonly kind = "SAMPLE" as const;
  readonly type = RecordType.SAMPLE;
  #resolved: Resolved | undefined;
  #callchain: Callchain | null | undefined;
  #brstack: BranchStackSeq | null | undefined;
  #raw: Uint8Array | null | undefined;

  /** @internal Built by the session. */
  constructor(
    /** The decoded sample. Its bytes are the reader's window, never reused: the event stays valid after the session moves on. */
    readonly sample: Sample,
    /** The sample's event. Borrowed: retain() to keep it beyond the session and its event list. */
    readonly evsel: Evsel,
    /** The thread's command name when the sample was taken. */
    readonly comm: string,
    private readonly space: AddressSpace,
    /** The tracepoint format, for tracepoint events. */
    readonly tracepoint: TracepointFormat | undefined,
    /** The session's debug-information support (unwinding, srcline, insn), if any. */
    private readonly dwarf?: SessionDwarf,
    /** Expand inline levels in unwound callchains (perf's default). */
    private readonly inline = true,
  ) {}

  /** header.misc (16 bits). */
  get misc(): number {
    return this.sample.misc;
  }
  /** header.misc & 7: 1 kernel, 2 user, 3 hypervisor, 4 guest kernel, 5 guest user. */
  get cpumode(): number {
    return this.sample.misc & 7;
  }
  get sampleIp(): bigint | undefined {
    return this.sample.ip;
  }
  get samplePid(): number | undefined {
    return this.sample.pid;
  }
  get sampleTid(): number | undefined {
    return this.sample.tid;
  }
  get sampleTime(): bigint | undefined {
    return this.sample.time;
  }
  get sampleCpu(): number | undefined {
    return this.sample.cpu;
  }
  get samplePeriod(): bigint {
    return this.sample.period;
  }
  get sampleAddr(): bigint | undefined {
    return this.sample.addr;
  }
  get sampleId(): bigint | undefined {
    return this.sample.id;
  }
  get sampleStreamId(): bigint | undefined {
    return this.sample.streamId;
  }
  get samplePhysAddr(): bigint | undefined {
    return this.sample.physAddr;
  }
  get sampleWeight(): bigint | undefined {
    return this.sample.weight;
  }
  get sampleDataSrc(): bigint | undefined {
    return this.sample.dataSrc;
  }
  get sampleTransaction(): bigint | undefined {
    return this.sample.transaction;
  }
  get sampleCgroup(): bigint | undefined {
    return this.sample.cgroup;
  }
  get sampleDataPageSize(): bigint | undefined {
    return this.sample.dataPageSize;
  }
  get sampleCodePageSize(): bigint | undefined {
    return this.sample.codePageSize;
  }
  /** Instruction count (set by AUX-area decoders only; 0 otherwise, as in perf). */
  get sampleInsnCount(): bigint {
    return 0n;
  }
  /** Cycle count (set by AUX-area decoders only; 0 otherwise, as in perf). */
  get sampleCycCount(): bigint {
    return 0n;
  }
  /** PERF_SAMPLE_READ values. */
  get sampleRead(): ReadValues | undefined {
    return this.sample.read;
  }
  get regsUser(): SampleRegs | undefined {
    return this.sample.regsUser;
  }
  get regsIntr(): SampleRegs | undefined {
    return this.sample.regsIntr;
  }
  /** PERF_SAMPLE_RAW bytes (a copy owned by the event), or null. */
  get rawBuf(): Uint8Array | null {
    if (this.#raw === undefined) this.#raw = this.sample.raw ?? null;
    return this.#raw;
  }

  /** The resolution of the sample ip (map, dso-relative address, symbol). */
  get location(): Resolved {
    if (!this.#resolved) this.#resolved = resolveIp(this.space, this.cpumode, this.sample.ip ?? 0n);
    return this.#resolved;
  }
  /** perf's dso name of the ip's map, or null. */
  get dso(): string | null {
    return this.location.map?.dso.name ?? null;
  }
  /** The dso's long name (its path), or null. */
  get dsoLongName(): string | null {
    return this.location.map?.dso.longName ?? null;
  }
  /** The dso's build id as hex, or null. */
  get dsoBid(): string | null {
    return this.location.map?.dso.buildId ?? null;
  }
  get mapStart(): bigint | null {
    return this.location.map?.start ?? null;
  }
  get mapEnd(): bigint | null {
    return this.location.map?.end ?? null;
  }
  get mapPgoff(): bigint | null {
    return this.location.map?.pgoff ?? null;
  }
  /** The symbol name, or null when unresolved. */
  get symbol(): string | null {
    return this.location.sym?.name ?? null;
  }
  get symStart(): bigint | null {
    return this.location.sym?.start ?? null;
  }
  get symEnd(): bigint | null {
    return this.location.sym?.end ?? null;
  }
  /** Offset of the ip in its symbol (perf's `+0x…`), or null. */
  get symoff(): bigint | null {
    return this.location.sym ? symbolOffset(this.location) : null;
  }

  /**
   * The callchain, leaf first, or null when the event did not record one. For events with
   * REGS_USER + STACK_USER (`--call-graph dwarf`), perf's frames: the raw callchain (kernel
   * part), then the user stack unwound through the binaries' CFI, with inline levels.
   */
  get callchain(): Callchain | null {
    if (this.#callchain === undefined) {
      const s = this.sample;
      const at = s.callchainOffset;
      const dwarf = this.dwarf && isDwarfMode(this.evsel.attr.sampleType) ? this.dwarf : undefined;
      if (at < 0 && !dwarf) this.#callchain = null;
      else {
        const { ips, modes } =
          at >= 0 ? callchainEntriesAt(s.view, at, s.callchainLength, s.littleEndian) : { ips: [], modes: [] };
        this.#callchain = new Callchain(this.space, ips, modes, dwarf ? this.unwound(dwarf) : [], this.dwarf);
      }
    }
    return this.#callchain;
  }

  /** perf's entries for the unwound user stack (unwind_entry + append_inlines). */
  private unwound(dwarf: SessionDwarf): CallchainFrame[] {
    const out: CallchainFrame[] = [];
    for (const fr of dwarf.unwind(this.sample, this.space.user).frames) {
      const m = fr.module as MappedModule | undefined;
      const map = m?.map;
      const sym = map ? map.dso.find(map.mapIp(fr.ip)) : null;
      for (const e of dwarf.entries(fr.ip, m, this.inline, true)) {
        out.push({
          ip: e.ip,
          symbol: e.sym ?? "[unknown]",
          dso: map ? map.dso.name : "[unknown]",
          symoff: e.sym !== null ? e.offset : null,
          addr: e.addr,
          kernel: false,
          inlined: e.inlined,
          srcline: e.srcline,
          resolved: { ip: e.ip, map, addr: e.addr, sym },
        });
      }
    }
    return out;
  }

  /** perf's srcline of the sample ip (`file:line`, `??:0` or `dso[addr]`), or null without a map. */
  get srcline(): string | null {
    const loc = this.location;
    return loc.map && this.dwarf ? this.dwarf.srcline(loc.map, loc.addr) : null;
  }

  /**
   * The source position of the sample ip and that line's text (perf's srccode): the file as
   * the debug info names it, the line, and the text when the file is readable (else null).
   */
  srccode(): { file: string; line: number; code: string | null } | null {
    const loc = this.location;
    const pos = loc.map && this.dwarf ? this.dwarf.sourceLine(loc.map, loc.addr) : null;
    return pos ? { file: pos.file, line: pos.line, code: sourceText(pos.file, pos.line) } : null;
  }

  /** The instruction bytes at the sample ip (up to `size`, default 16), read from the mapped file; null when unreadable. */
  insn(size = 16): Uint8Array | null {
    if (!Number.isInteger(size) || size < 1 || size > 4096) throw new TypeError("size must be an integer in 1..4096");
    const loc = this.location;
    return loc.map && this.dwarf ? this.dwarf.insn(loc.map, loc.addr, size) : null;
  }

  /** The branch stack, or null when the event did not record one. */
  get brstack(): BranchStackSeq | null {
    if (this.#brstack === undefined) {
      const b = this.sample.branchStack;
      this.#brstack = b ? new BranchStackSeq(b.entries, b.hwIdx) : null;
    }
    return this.#brstack;
  }

  /** A tracepoint field by name (`common_*` included); TypeError for a non-tracepoint or unknown field. */
  field(name: string): FieldValue {
    if (typeof name !== "string") throw new TypeError(`name must be a string, got ${typeof name}`);
    const tp = this.tracepoint;
    const raw = this.rawBuf;
    if (!tp || !raw) throw new TypeError(`name: ${this.evsel.name} is not a tracepoint event with fields`);
    return decodeField(
      tp.format,
      name,
      new DataView(raw.buffer, raw.byteOffset, raw.byteLength),
      tp.littleEndian,
      tp.longSize,
    );
  }

  /** Every tracepoint field (common ones first), or {} for other events. */
  get fields(): Record<string, FieldValue> {
    const tp = this.tracepoint;
    const raw = this.rawBuf;
    if (!tp || !raw) return {};
    return decodeFields(
      tp.format,
      new DataView(raw.buffer, raw.byteOffset, raw.byteLength),
      tp.littleEndian,
      tp.longSize,
      true,
    );
  }
}
