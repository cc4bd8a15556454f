/**
 * Opening a perf.data file or stream and walking its records: the entry point of the package.
 * File mode reads the header, attrs and feature table up front and streams the data section in
 * windows; pipe mode learns attrs, features and tracing data from in-band records as they come.
 */
import { openSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { decodeAttr } from "./attr.ts";
import { viewOf } from "./bytes.ts";
import { Feature, FILE_HEADER_SIZE, PIPE_HEADER_SIZE, RecordType } from "./constants.ts";
import { checkArg, PerfDataError } from "./errors.ts";
import { applyEventDescNames, fallbackEventName } from "./event-names.ts";
import { type EventEntry, EventIndex } from "./evlist.ts";
import { decodeFeatures, type FeatureValue } from "./features/index.ts";
import { detectEndianness, type FileHeader, headerSizeOf, parseFileHeader } from "./header.ts";
import { readerRecords, recordReader } from "./ordering.ts";
import type { PerfRecord } from "./record.ts";
import { decodeUserRecord } from "./records/user.ts";
import { FileSource } from "./source/file-source.ts";
import { MemorySource } from "./source/memory-source.ts";
import { PipeSource } from "./source/pipe-source.ts";
import type { RandomAccessSource } from "./source/types.ts";
import { RecordWalker, type StreamSpec } from "./walker.ts";

/** What {@link openPerfData} accepts: a path (`"-"` for stdin), bytes, or an fd. */
export type PerfDataInput = string | Uint8Array | { path: string } | { fd: number } | { bytes: Uint8Array };

/** Options of {@link openPerfData}. */
export interface OpenOptions {
  /** Bytes read per window of the data section (default 4 MiB). Small values exercise straddling. */
  windowSize?: number;
}

/** Options of {@link PerfDataFile.records}. */
export interface RecordsOptions {
  /** Deliver kernel records in timestamp order as perf does (FINISHED_ROUND rounds). Default false: file order. */
  ordered?: boolean;
  /**
   * Called on damage. Return "skip" to resync past the bad bytes and go on, "stop" to end the
   * iteration quietly. Without it, the iterator throws the error after every valid record.
   */
  onError?: (err: PerfDataError) => "skip" | "stop";
}

/** A feature section's location in the file (or its in-band payload in pipe mode). */
export interface FeatureSection {
  id: number;
  offset: number;
  size: number;
  bytes: Uint8Array;
}

const DEFAULT_WINDOW = 4 << 20;
const MAX_PIPE_PAYLOAD = 256 << 20;

/** An open perf.data file or stream. Close it (or use `using`) to release the fd. */
export class PerfDataFile {
  /** "file" for seekable perf.data, "pipe" for the streamed format (also when saved to disk). */
  readonly mode: "file" | "pipe";
  readonly littleEndian: boolean;
  /** The file header (file mode only). */
  readonly header: FileHeader | undefined;
  /** Path when opened from one. */
  readonly path: string | undefined;
  /** Feature sections: from the feature table (file mode) or HEADER_FEATURE records (pipe mode, filled while reading). */
  readonly featureSections = new Map<number, FeatureSection>();
  /** Tracing data blob (feature 1, or the HEADER_TRACING_DATA record in pipe mode). */
  tracingData: Uint8Array | undefined;
  /** Problems found while opening that did not stop it (bad feature table entries, …). */
  readonly warnings: PerfDataError[] = [];
  /** Member files of a directory-mode recording (`data.N`), read after the main data section. */
  readonly members: string[] = [];

  private readonly index = new EventIndex();
  private readonly windowSize: number;
  private randomSource: RandomAccessSource | undefined;
  private pipeSource: PipeSource | undefined;
  /** Where records start and end in the random-access source. */
  private dataStart = 0;
  private dataEnd = 0;
  private consumed = false;
  private passes = 0;

  /** @internal Use {@link openPerfData}. */
  constructor(input: PerfDataInput, options: OpenOptions = {}) {
    const ws = options.windowSize ?? DEFAULT_WINDOW;
    checkArg(Number.isInteger(ws) && ws >= 64, "options.windowSize", "an integer >= 64", ws);
    this.windowSize = ws;
    let path: string | undefined;
    if (typeof input === "string") path = input;
    else if (input instanceof Uint8Array) this.randomSource = new MemorySource(input);
    else if (input && typeof input === "object" && "bytes" in input && input.bytes instanceof Uint8Array)
      this.randomSource = new MemorySource(input.bytes);
    else if (input && typeof input === "object" && "path" in input && typeof input.path === "string") path = input.path;
    else if (input && typeof input === "object" && "fd" in input && Number.isInteger(input.fd)) {
      this.pipeSource = new PipeSource(input.fd, false);
    } else checkArg(false, "input", "a path, a Uint8Array, { path }, { bytes } or { fd }", input);
    this.path = path;
    if (path === "-") this.pipeSource = new PipeSource(0, false);
    else if (path !== undefined) {
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(path);
      } catch (e) {
        throw new PerfDataError("io", `cannot open ${path}: ${(e as Error).message}`, -1);
      }
      if (st.isDirectory()) {
        const dir = path;
        this.members = readdirSync(dir)
          .filter((n) => /^data\.\d+$/.test(n))
          .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
          .map((n) => join(dir, n));
        path = join(dir, "data");
      }
      if (st.isFIFO()) this.pipeSource = new PipeSource(openSync(path, "r"), true);
      else this.randomSource = new FileSource(path);
    }
    try {
      const first = this.readStart();
      this.littleEndian = detectEndianness(first);
      const hsize = headerSizeOf(first, this.littleEndian);
      if (hsize === PIPE_HEADER_SIZE) {
        this.mode = "pipe";
        this.header = undefined;
        this.dataStart = PIPE_HEADER_SIZE;
        this.dataEnd = this.randomSource ? this.randomSource.size : Number.POSITIVE_INFINITY;
        if (this.pipeSource) this.pipeSource.unread(first.subarray(PIPE_HEADER_SIZE));
      } else {
        this.mode = "file";
        if (!this.randomSource)
          throw new PerfDataError("unsupported", "a file-mode perf.data cannot be read from a pipe", 0);
        this.header = parseFileHeader(first, this.randomSource.size);
        this.readAttrs(this.header);
        this.readFeatureTable(this.header);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private readStart(): Uint8Array {
    if (this.randomSource) {
      const b = this.randomSource.read(0, FILE_HEADER_SIZE);
      if (b.length < 16) throw new PerfDataError("truncated", `file is ${b.length} bytes, too short for a header`, 0);
      return b;
    }
    // Pipe: read until 16 bytes are in hand; keep the rest for the record reader.
    const parts: Uint8Array[] = [];
    let n = 0;
    while (n < PIPE_HEADER_SIZE) {
      const c = this.pipeSource!.read(65536);
      if (!c) throw new PerfDataError("truncated", `stream ended after ${n} bytes, before the header`, n);
      parts.push(c);
      n += c.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  private readAttrs(h: FileHeader): void {
    const src = this.randomSource!;
    if (h.attrSize < 64 + 16) throw new PerfDataError("bad-header", `attr_size ${h.attrSize} is too small`, 16);
    const n = Math.floor(h.attrs.size / h.attrSize);
    const bytes = src.read(h.attrs.offset, n * h.attrSize);
    const v = viewOf(bytes);
    for (let i = 0; i < n; i++) {
      const at = i * h.attrSize;
      const attr = decodeAttr(v, at, h.attrSize - 16, this.littleEndian);
      const idsOff = Number(v.getBigUint64(at + h.attrSize - 16, this.littleEndian));
      const idsSize = Number(v.getBigUint64(at + h.attrSize - 8, this.littleEndian));
      const ids: bigint[] = [];
      if (idsSize > 0) {
        if (idsOff + idsSize > src.size || idsSize % 8 !== 0) {
          throw new PerfDataError(
            "bad-header",
            `ids of attr ${i} lie outside the file`,
            h.attrs.offset + at + h.attrSize - 16,
          );
        }
        const ib = viewOf(src.read(idsOff, idsSize));
        for (let j = 0; j + 8 <= idsSize; j += 8) ids.push(ib.getBigUint64(j, this.littleEndian));
      }
      this.index.add(attr, ids);
    }
    this.dataStart = h.data.offset;
    this.dataEnd = h.data.size > 0 ? h.data.offset + h.data.size : src.size;
    if (this.dataEnd > src.size) {
      // Cut short (copy interrupted, disk full): read what is there, then report where it ends.
      this.truncatedAt = src.size;
      this.dataEnd = src.size;
      this.warnings.push(
        new PerfDataError(
          "truncated",
          `data section should end at ${h.data.offset + h.data.size}, the file ends at ${src.size}`,
          src.size,
        ),
      );
    }
  }

  /** Where the file ends when its data section claims more bytes than it has, else undefined. */
  truncatedAt: number | undefined;

  private readFeatureTable(h: FileHeader): void {
    const src = this.randomSource!;
    if (this.truncatedAt !== undefined) return; // the feature table was never reached
    if (h.data.size === 0) {
      this.warnings.push(
        new PerfDataError("truncated", "data.size is 0 (perf record did not finish): features ignored", 48),
      );
      return;
    }
    const at = h.data.offset + h.data.size;
    const table = src.read(at, h.features.length * 16);
    const v = viewOf(table);
    h.features.forEach((id, i) => {
      if ((i + 1) * 16 > table.length) {
        this.warnings.push(new PerfDataError("bad-feature", `feature table entry for ${id} is cut off`, at + i * 16));
        return;
      }
      const offset = Number(v.getBigUint64(i * 16, this.littleEndian));
      const size = Number(v.getBigUint64(i * 16 + 8, this.littleEndian));
      if (offset + size > src.size || !Number.isSafeInteger(offset + size)) {
        this.warnings.push(
          new PerfDataError("bad-feature", `feature ${id} section lies outside the file`, at + i * 16),
        );
        return;
      }
      this.featureSections.set(id, { id, offset, size, bytes: src.read(offset, size) });
    });
    this.tracingData = this.featureSections.get(Feature.TRACING_DATA)?.bytes;
    const desc = this.featureSections.get(Feature.EVENT_DESC);
    if (desc) applyEventDescNames(desc.bytes, this.littleEndian, this.index);
  }

  /** The events of the file, in attr order (pipe mode: those seen so far). */
  get events(): readonly EventEntry[] {
    return this.index.events;
  }

  /** The display name of an event: recorded name, else perf's generic name for its attr. */
  eventName(event: EventEntry): string {
    return event.name ?? fallbackEventName(event.attr);
  }

  /** The event owning a kernel id (sample ID/IDENTIFIER, STAT id, …). */
  eventById(id: bigint): EventEntry | undefined {
    return this.index.byEventId(id);
  }

  /**
   * Every feature section decoded to its typed value (decoded once; pipe mode: those seen so
   * far). Sections that fail to decode are left out and reported in `featureErrors`.
   */
  get features(): ReadonlyMap<number, FeatureValue> {
    if (!this.decoded || this.decodedCount !== this.featureSections.size) {
      const r = decodeFeatures([...this.featureSections.values()], this.littleEndian);
      this.decoded = r.features;
      this.featureErrors = r.errors;
      this.decodedCount = this.featureSections.size;
      return r.features;
    }
    return this.decoded;
  }
  /** Errors from decoding feature sections (see {@link features}). */
  featureErrors: PerfDataError[] = [];
  private decoded: Map<number, FeatureValue> | undefined;
  private decodedCount = 0;

  /** The raw payload of a feature section, if present. */
  featureBytes(id: number): Uint8Array | undefined {
    return this.featureSections.get(id)?.bytes;
  }

  /**
   * A cursor over the records in file order that allocates nothing per record: read `type`,
   * `misc`, `size`, `offset`, `event` after each `next()`, and call `record()` for an object.
   * The fastest way to scan a file; `records()` is built on it.
   */
  cursor(options: Omit<RecordsOptions, "ordered"> = {}): RecordWalker {
    if (this.consumed) throw new Error("a pipe-mode stream can only be read once");
    if (this.pipeSource) this.consumed = true;
    const firstPass = this.passes++ === 0;
    const maxExtra = this.randomSource ? Math.max(0, this.dataEnd - this.dataStart) : MAX_PIPE_PAYLOAD;
    const streams: StreamSpec[] = [
      { ...this.mainReader(), start: this.dataStart, maxExtra, truncatedAt: this.truncatedAt },
    ];
    for (const m of this.members) {
      let src: FileSource | undefined;
      let at = 0;
      streams.push({
        start: 0,
        maxExtra: MAX_PIPE_PAYLOAD,
        pull: (n, reuse) => {
          src ??= new FileSource(m);
          const c = src.read(at, Math.max(n, this.windowSize), reuse);
          at += c.length;
          return c.length ? c : null;
        },
        close: () => src?.close(),
      });
    }
    const host = { littleEndian: this.littleEndian, eventIndex: this.index, absorb: (r: PerfRecord) => this.absorb(r) };
    return new RecordWalker(host, streams, options.onError, firstPass);
  }

  /** Records in file order (or time order with `ordered`). File mode may be iterated again; a pipe once. */
  records(options: RecordsOptions = {}): Generator<PerfRecord, void, undefined> {
    // Directory-mode members are time-ordered each, then merged by timestamp (recordReader).
    return readerRecords(recordReader(this, options));
  }

  /** How the main data stream is read: pipe chunks, or file windows (re-read at straddles). */
  private mainReader(): Pick<StreamSpec, "pull" | "reread"> {
    if (this.pipeSource) {
      const p = this.pipeSource;
      return { pull: (n) => p.read(Math.min(Math.max(n, 65536), MAX_PIPE_PAYLOAD + 65536)) };
    }
    const src = this.randomSource!;
    const end = this.dataEnd;
    // One read position per cursor, shared by pull and reread.
    let at = this.dataStart;
    const readFrom = (from: number, min: number, reuse?: Uint8Array): Uint8Array | null => {
      if (from >= end) return null;
      const c = src.read(from, Math.min(end - from, Math.max(min, this.windowSize)), reuse);
      at = from + c.length;
      return c.length ? c : null;
    };
    return { pull: (n, reuse) => readFrom(at, n, reuse), reread: readFrom };
  }

  /** Applies records that change the decoder's own state (new attrs, names, features, tracing data). */
  private absorb(rec: PerfRecord): void {
    switch (rec.type) {
      case RecordType.HEADER_ATTR: {
        const d = rec.decode();
        if (d.kind === "HEADER_ATTR") this.index.add(d.attr, d.ids);
        break;
      }
      case RecordType.EVENT_UPDATE: {
        const d = rec.decode();
        if (d.kind === "EVENT_UPDATE" && d.name !== undefined) {
          const e = this.index.byEventId(d.id);
          if (e) e.name = d.name;
        }
        break;
      }
      case RecordType.HEADER_FEATURE: {
        const d = rec.decode();
        // Empty payloads are meaningful too (BRANCH_STACK, STAT flags); only the end marker is skipped.
        if (d.kind === "HEADER_FEATURE" && (d.data.length > 0 || d.featId <= Feature.CPU_DOMAIN_INFO)) {
          this.featureSections.set(d.featId, {
            id: d.featId,
            offset: rec.offset + 16,
            size: d.data.length,
            bytes: d.data.slice(),
          });
        }
        break;
      }
      case RecordType.HEADER_TRACING_DATA: {
        const c = rec.payload;
        if (c) this.tracingData = c.slice();
        break;
      }
      case RecordType.ID_INDEX: {
        // Inherited or per-cpu ids listed here may be missing from the attrs section.
        const d = decodeUserRecord(
          {
            type: rec.type,
            misc: rec.misc,
            size: rec.size,
            view: rec.view,
            bytes: rec.bytes,
            pos: rec.pos,
            bodyEnd: rec.pos + rec.size,
            le: rec.littleEndian,
            fileOffset: rec.offset,
            index: rec.index,
          },
          undefined,
        );
        if (d?.kind === "ID_INDEX") {
          for (const e of d.entries) {
            const idx = Number(e.idx);
            if (this.index.events.length && !this.index.byEventId(e.id) && idx < this.index.events.length) {
              // ID_INDEX idx is an index into the event's cpu/thread map, not the evlist: only map unknown ids of single-event files.
              if (this.index.events.length === 1) this.index.addIds(0, [e.id]);
            }
          }
        }
        break;
      }
    }
  }

  /** Releases the file descriptor. Safe to call twice. */
  close(): void {
    this.randomSource?.close();
    this.pipeSource?.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Opens a perf.data file (file or pipe mode, either byte order, directory mode), a pipe
 * (`"-"` or `{ fd }`), or bytes in memory.
 *
 * ```ts
 * using file = openPerfData("perf.data");
 * for (const rec of file.records({ ordered: true })) if (rec.type === 9) rec.sample().ip;
 * ```
 */
export function openPerfData(input: PerfDataInput, options?: OpenOptions): PerfDataFile {
  return new PerfDataFile(input, options);
}
