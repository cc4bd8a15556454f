/**
 * The samples of a session in perf's order, as a cursor over columns: each sample is reduced
 * to its fields and an interned callchain id the moment it is read, so the reorder queue holds
 * numbers instead of records and nothing is allocated per sample. Side-band records (mmap,
 * comm, fork, ...) are queued by time like perf's ordered-events queue and applied to the
 * machine exactly where perf would deliver them, so every sample sees the state perf shows it.
 */
import {
  checkedCallchainCount,
  type EventEntry,
  HOST_LITTLE_ENDIAN,
  type PerfRecord,
  type RecordReader,
  RecordType,
  type RecordWalker,
  Sample,
  SampleType,
  wordsOf,
} from "@perfkit/format";
import { ChainTable } from "./chain-table.ts";
import type { Evsel } from "./evsel.ts";
import type { Machine } from "./machine.ts";
import type { Thread } from "./thread.ts";
import { grownInto } from "./typed-grow.ts";

/** What a {@link SampleWalk} needs from its session. */
export interface SampleWalkHost {
  readonly machine: Machine;
  evselOf(entry: EventEntry): Evsel;
  /** Runs the default processors on a side-band record (an EXIT takes effect at once). */
  apply(rec: PerfRecord): void;
}

/** Options of {@link Session.sampleWalk}. */
export interface SampleWalkOptions {
  /**
   * "time" (default): samples in perf's delivery order. "state": each sample still sees exactly
   * the machine state perf would show it, but samples between two side-band records may come in
   * arrival order instead of time order — enough for counts and totals, and cheaper (no sort
   * of each round's samples).
   */
  order?: "time" | "state";
}

/** Where a walk reads: a raw cursor it orders itself, or records already in delivery order. */
export type SampleWalkInput = { walker: RecordWalker; ordered: boolean } | { reader: RecordReader };

const TWO32 = 2 ** 32;
const HAS_IP = 1;
const HAS_PID = 2;
const HAS_CPU = 4;

/** A queued side-band record. */
interface QueuedRecord {
  key: number;
  seq: number;
  rec: PerfRecord;
}

/**
 * A pull cursor over samples (see {@link Session.sampleWalk}): `next()` moves to the next
 * sample and the fields describe it until the following call. Samples whose id matches no
 * event are skipped. Damage: the samples read before it are still delivered, then the error.
 */
export class SampleWalk {
  /** The sample's event. */
  evsel = undefined as unknown as Evsel;
  /** The sample's thread (created as perf does when unknown). */
  thread = undefined as unknown as Thread;
  /** -1 when the sample has no TID. */
  pid = -1;
  tid = -1;
  /** -1 when the sample has no CPU. */
  cpu = -1;
  /** Nanoseconds since {@link timeBase}; NaN when the sample has no TIME. */
  get time(): number {
    return this.#key[this.#cur]!;
  }
  /** The sample's period (the event's fixed period when the sample has none). */
  get period(): number {
    return this.#period[this.#cur]!;
  }
  /** The sample ip's high 32 bits, or -1 when the sample has no IP. */
  get ipHi(): number {
    return this.#flags[this.#cur]! & HAS_IP ? this.#ipHi[this.#cur]! : -1;
  }
  /** The sample ip's low 32 bits (0 when the sample has no IP). */
  get ipLo(): number {
    return this.#flags[this.#cur]! & HAS_IP ? this.#ipLo[this.#cur]! : 0;
  }
  /** header.misc of the record (cpumode in the low 3 bits). */
  get misc(): number {
    return this.#misc[this.#cur]!;
  }
  /** The callchain's id in {@link chains}, or -1 when the sample has none. */
  get chain(): number {
    return this.#chain[this.#cur]!;
  }
  /** The first timestamp read (what {@link time} counts from), or null before any. */
  timeBase: bigint | null = null;
  /** File offset of the last record read (for progress meters). */
  offset = 0;
  /** Every distinct raw callchain seen so far. */
  readonly chains = new ChainTable();

  readonly #host: SampleWalkHost;
  readonly #walker: RecordWalker | undefined;
  readonly #reader: RecordReader | undefined;
  readonly #ordered: boolean;
  /** Samples in time order (else only in order with side-band records: see SampleWalkOptions). */
  readonly #timeOrder: boolean;
  readonly #le: boolean;
  /** The recording's byte order is the host's: fields can be read as words of the window. */
  readonly #hostOrder: boolean;
  #wordsView: DataView | undefined;
  #words: Uint32Array | null = null;
  #scratch = new Uint32Array(64);
  /** The run of whole samples being taken: their positions in #runView, the next one at #runAt. */
  readonly #positions = new Int32Array(1024);
  #runView: DataView | undefined;
  #runBase = 0;
  #runFirst = 0;
  #runAt = 0;
  #runN = 0;
  readonly #entries: EventEntry[] = [];
  readonly #entryIndex = new Map<EventEntry, number>();
  #lastEntry: EventEntry | undefined;
  #lastEntryIndex = -1;
  #loadedEntry = -1;
  #loadedEvsel: Evsel | undefined;

  // Queued samples, in arrival order, at [#head, #n) (one slot past #n is scratch for
  // immediate delivery); delivered ones in that range have NaN keys.
  #head = 0;
  #n = 0;
  #key = new Float64Array(8192);
  #seq = new Float64Array(8192);
  #entry = new Int32Array(8192);
  #pid = new Int32Array(8192);
  #tid = new Int32Array(8192);
  #cpu = new Uint32Array(8192);
  #period = new Float64Array(8192);
  #ipHi = new Uint32Array(8192);
  #ipLo = new Uint32Array(8192);
  #misc = new Uint16Array(8192);
  #flags = new Uint8Array(8192);
  #chain = new Int32Array(8192);
  #states: QueuedRecord[] = [];
  #arrivals = 0;

  // perf's flush state: keys up to #limit go at the next FINISHED_ROUND.
  #maxKey = Number.NEGATIVE_INFINITY;
  #limit = Number.NEGATIVE_INFINITY;
  #baseHi = -1;
  #baseLo = 0;

  // The release in progress.
  #due = new Int32Array(8192);
  #sortTmp = new Int32Array(8192);
  #dueN = 0;
  #dueAt = 0;
  #dueStates: QueuedRecord[] = [];
  #stateAt = 0;
  #releasing = false;
  /** Keys up to this leave the queue when the release ends (NaN: an immediate sample, nothing queued leaves). */
  #releaseLimit = Number.NaN;

  /** The queue slot of the current sample. */
  #cur = 0;
  #ended = false;
  #error: unknown = undefined;
  readonly #threadCache: (Thread | undefined)[] = new Array(16).fill(undefined);
  readonly #cacheTid = new Int32Array(16);
  readonly #cachePid = new Int32Array(16);

  /** @internal Use {@link Session.sampleWalk}. */
  constructor(host: SampleWalkHost, input: SampleWalkInput, littleEndian: boolean, timeOrder = true) {
    this.#timeOrder = timeOrder;
    this.#host = host;
    this.#le = littleEndian;
    this.#hostOrder = littleEndian === HOST_LITTLE_ENDIAN;
    if ("walker" in input) {
      this.#walker = input.walker;
      this.#ordered = input.ordered;
    } else {
      this.#reader = input.reader;
      this.#ordered = false;
    }
  }

  /** The sample ip, or undefined when the sample has none. */
  get ip(): bigint | undefined {
    return this.ipHi < 0 ? undefined : (BigInt(this.ipHi) << 32n) | BigInt(this.ipLo);
  }

  /** Advances to the next sample; false at the end. Throws what the reader or a processor throws. */
  next(): boolean {
    for (;;) {
      if (this.#releasing) {
        if (this.#dueAt < this.#dueN) {
          const i = this.#due[this.#dueAt++]!;
          const states = this.#dueStates;
          if (this.#stateAt < states.length) {
            const key = this.#key[i]!;
            const seq = this.#seq[i]!;
            while (this.#stateAt < states.length) {
              const s = states[this.#stateAt]!;
              if (s.key > key || (s.key === key && s.seq > seq)) break;
              this.#stateAt++;
              this.#apply(s.rec);
            }
          }
          this.#load(i);
          return true;
        }
        this.#endRelease();
        continue;
      }
      if (this.#ended) {
        if (this.#error !== undefined) {
          const e = this.#error;
          this.#error = undefined;
          throw e;
        }
        return false;
      }
      try {
        this.#read();
      } catch (e) {
        this.#error = e;
        this.#ended = true;
        this.close();
        this.#release(Number.POSITIVE_INFINITY);
      }
    }
  }

  /** Stops early and releases the file. Safe to call twice. */
  close(): void {
    this.#walker?.close();
    this.#reader?.close();
  }

  /** Reads records until a release starts or the input ends. */
  #read(): void {
    const reader = this.#reader;
    if (reader) {
      const rec = reader.next();
      if (!rec) {
        this.#finish();
        return;
      }
      this.offset = rec.offset;
      if (rec.type === RecordType.SAMPLE) {
        const e = rec.event;
        if (!e) return;
        // Records come already in delivery order: each sample goes out at once.
        this.#take(rec.view, rec.pos, rec.size, rec.misc, e, rec.offset, rec.index, false);
        this.#releaseOne();
      } else if (rec.type !== RecordType.FINISHED_ROUND) this.#apply(rec);
      return;
    }
    const w = this.#walker!;
    const ordered = this.#ordered;
    for (;;) {
      // Runs of whole samples in the current window first: no cursor round trip per sample.
      if (this.#runAt < this.#runN) {
        if (this.#takeRun(w, ordered)) return;
        continue;
      }
      const n = w.nextSamples(this.#positions);
      if (n > 0) {
        this.#runView = w.view;
        this.#runBase = w.offset - w.pos;
        this.#runFirst = w.index - n + 1;
        this.#runAt = 0;
        this.#runN = n;
        continue;
      }
      if (!w.next()) break;
      this.offset = w.offset;
      const type = w.type;
      if (type === RecordType.SAMPLE) {
        const e = w.event;
        if (!e) continue;
        if (this.#take(w.view, w.pos, w.size, w.misc, e, w.offset, w.index, ordered)) continue;
        this.#releaseOne();
        return;
      }
      if (type >= 64) {
        if (type === RecordType.FINISHED_ROUND && ordered) {
          const limit = this.#limit;
          this.#limit = this.#maxKey;
          if (this.#release(limit)) return;
        } else if (type !== RecordType.FINISHED_ROUND) this.#apply(w.recordCopy());
        continue;
      }
      const key = ordered ? this.#trailerKey(w.view, w.pos, w.size, w.event) : Number.NaN;
      if (Number.isNaN(key)) {
        this.#apply(w.recordCopy());
        continue;
      }
      if (key > this.#maxKey) this.#maxKey = key;
      this.#states.push({ key, seq: this.#arrivals++, rec: w.recordCopy() });
    }
    this.#finish();
  }

  /**
   * Takes the rest of the current run of samples (positions in #positions, all in #runView).
   * Returns true when one of them must go out at once (no time, or an unordered walk): the
   * run resumes after it on the next read, the window untouched meanwhile.
   */
  #takeRun(w: RecordWalker, ordered: boolean): boolean {
    const view = this.#runView!;
    const runs = this.#positions;
    const base = this.#runBase;
    const le = this.#le;
    // Once per run: the only event (when there is one) and the window's words.
    const only = w.onlyEvent;
    const words = this.#hostOrder ? this.#windowWords(view) : null;
    this.offset = base + runs[this.#runN - 1]!;
    for (let k = this.#runAt; k < this.#runN; k++) {
      const pos = runs[k]!;
      const size = le ? view.getUint16(pos + 6, true) : view.getUint16(pos + 6, false);
      const e = only ?? w.sampleEventAt(pos, size);
      if (!e) continue;
      const misc = le ? view.getUint16(pos + 4, true) : view.getUint16(pos + 4, false);
      const queued =
        words !== null && (pos & 3) === 0
          ? this.#takeWords(words, pos >>> 2, view, pos, size, misc, e, base + pos, this.#runFirst + k, ordered)
          : this.#take(view, pos, size, misc, e, base + pos, this.#runFirst + k, ordered);
      if (queued) continue;
      this.#runAt = k + 1;
      this.#releaseOne();
      return true;
    }
    this.#runAt = this.#runN;
    return false;
  }

  #finish(): void {
    this.#ended = true;
    this.close();
    this.#release(Number.POSITIVE_INFINITY);
  }

  /**
   * Reduces a sample to its columns. Queued (returns true) when it has a time and the walk
   * orders; otherwise it is written to the scratch slot for immediate delivery (false).
   */
  #take(
    view: DataView,
    pos: number,
    size: number,
    misc: number,
    e: EventEntry,
    offset: number,
    index: number,
    ordered: boolean,
  ): boolean {
    if (this.#hostOrder && (pos & 3) === 0) {
      const u = this.#windowWords(view);
      if (u) return this.#takeWords(u, pos >>> 2, view, pos, size, misc, e, offset, index, ordered);
    }
    // The other byte order or an unaligned record: its words rewritten in host order first.
    return this.#takeWords(this.#hostWords(view, pos, size, e), 0, view, pos, size, misc, e, offset, index, ordered);
  }

  /** The window's bytes as host-order words (null when not 4-byte aligned), made once per window. */
  #windowWords(view: DataView): Uint32Array | null {
    if (view !== this.#wordsView) {
      this.#wordsView = view;
      this.#words = wordsOf(view);
    }
    return this.#words;
  }

  /**
   * The record's 8-byte slots as host-order words, each u64 as (low, high) halves, except the
   * two slots made of two u32 (pid/tid, cpu/reserved) kept in field order: the layout the word
   * reader expects of a little-endian record.
   */
  #hostWords(view: DataView, pos: number, size: number, e: EventEntry): Uint32Array {
    if (this.#scratch.length < (size >>> 2) + 2) this.#scratch = new Uint32Array((size >>> 2) + 64);
    const s = this.#scratch;
    const le = this.#le;
    const lo = le ? 0 : 4;
    const hi = le ? 4 : 0;
    let o = 0;
    for (; o + 8 <= size; o += 8) {
      s[o >>> 2] = view.getUint32(pos + o + lo, le);
      s[(o >>> 2) + 1] = view.getUint32(pos + o + hi, le);
    }
    if (o + 4 <= size) s[o >>> 2] = view.getUint32(pos + o, le);
    this.#u32Pair(s, view, pos, size, e.layout.tid);
    this.#u32Pair(s, view, pos, size, e.layout.cpu);
    return s;
  }

  /** Rewrites the slot at `at` (when present) as two u32 in field order. */
  #u32Pair(s: Uint32Array, view: DataView, pos: number, size: number, at: number): void {
    if (at < 0 || at + 4 > size) return;
    s[at >>> 2] = view.getUint32(pos + at, this.#le);
    if (at + 8 <= size) s[(at >>> 2) + 1] = view.getUint32(pos + at + 4, this.#le);
  }

  /**
   * Reduces a sample to its columns from its words: `u[b ..]` is the record in host order (the
   * window itself when the recording's byte order is the host's and the record is aligned: a
   * DataView call per field costs more than the rest). `view`/`pos` are the record's bytes, for
   * the decoder's fallbacks and errors.
   */
  #takeWords(
    u: Uint32Array,
    b: number,
    view: DataView,
    pos: number,
    size: number,
    misc: number,
    e: EventEntry,
    offset: number,
    index: number,
    ordered: boolean,
  ): boolean {
    const l = e.layout;
    let key = Number.NaN;
    if (l.time >= 0 && l.time + 8 <= size) {
      const at = b + (l.time >>> 2);
      key = this.#keyOf(u[at + 1]!, u[at]!);
    }
    if (this.#n + 1 >= this.#key.length) this.#grow();
    const i = this.#n;
    let flags = 0;
    if (l.tid >= 0 && l.tid + 8 <= size) {
      const at = b + (l.tid >>> 2);
      this.#pid[i] = u[at]! | 0;
      this.#tid[i] = u[at + 1]! | 0;
      flags |= HAS_PID;
    }
    if (l.cpu >= 0 && l.cpu + 4 <= size) {
      this.#cpu[i] = u[b + (l.cpu >>> 2)]!;
      flags |= HAS_CPU;
    }
    if (l.period >= 0 && l.period + 8 <= size) {
      const at = b + (l.period >>> 2);
      this.#period[i] = u[at + 1]! * TWO32 + u[at]!;
    } else this.#period[i] = l.samplePeriodHi * TWO32 + l.samplePeriodLo;
    if (l.ip >= 0 && l.ip + 8 <= size) {
      const at = b + (l.ip >>> 2);
      this.#ipLo[i] = u[at]!;
      this.#ipHi[i] = u[at + 1]!;
      flags |= HAS_IP;
    }
    let chain = -1;
    const fixed = l.callchainStatic;
    if (fixed >= 0) {
      const at = b + (fixed >>> 2);
      const n = u[at]!;
      // Out of bounds: let the shared check name the damage.
      if (fixed + 8 > size || u[at + 1] !== 0 || n > (size - fixed - 8) / 8)
        checkedCallchainCount(view, pos, size, fixed, this.#le, offset, index);
      chain = this.chains.internWords(u, at + 2, n);
    } else if (l.sampleType & SampleType.CALLCHAIN) {
      const s = new Sample(view, pos, size, misc, this.#le, e, offset, index);
      const at = s.callchainOffset;
      if (at >= 0) chain = this.chains.intern(view, at, s.callchainLength, this.#le);
    }
    this.#chain[i] = chain;
    this.#flags[i] = flags;
    this.#misc[i] = misc;
    this.#entry[i] = this.#entryIndexOf(e);
    this.#key[i] = key;
    this.#seq[i] = this.#arrivals++;
    if (!ordered || Number.isNaN(key)) return false;
    if (key > this.#maxKey) this.#maxKey = key;
    this.#n++;
    return true;
  }

  #entryIndexOf(e: EventEntry): number {
    if (e === this.#lastEntry) return this.#lastEntryIndex;
    let i = this.#entryIndex.get(e);
    if (i === undefined) {
      i = this.#entries.length;
      this.#entries.push(e);
      this.#entryIndex.set(e, i);
    }
    this.#lastEntry = e;
    this.#lastEntryIndex = i;
    return i;
  }

  /** A side-band record's time from its sample-id trailer, relative to the base; NaN when none. */
  #trailerKey(view: DataView, pos: number, size: number, e: EventEntry | undefined): number {
    if (!e) return Number.NaN;
    const l = e.layout;
    if (l.trailerTime <= 0 || l.trailerSize > size - 8) return Number.NaN;
    return this.#keyAt(view, pos + size - l.trailerTime);
  }

  /** The time at `at` relative to the first time read (NaN for perf's "no time" values). */
  #keyAt(view: DataView, at: number): number {
    const le = this.#le;
    return this.#keyOf(view.getUint32(at + (le ? 4 : 0), le), view.getUint32(at + (le ? 0 : 4), le));
  }

  /** A time given as 32-bit halves, relative to the first time read; NaN for perf's "no time" values. */
  #keyOf(hi: number, lo: number): number {
    if ((hi === 0 && lo === 0) || (hi === 0xffffffff && lo === 0xffffffff)) return Number.NaN;
    if (this.#baseHi < 0) {
      this.#baseHi = hi;
      this.#baseLo = lo;
      this.timeBase = (BigInt(hi) << 32n) | BigInt(lo);
    }
    // Exact within 2^53 ns (104 days) of the first time, as perfkit's time-ordered reader.
    return (hi - this.#baseHi) * TWO32 + (lo - this.#baseLo);
  }

  /** Delivers the scratch slot's sample next, ahead of everything queued (perf's ETIME path). */
  #releaseOne(): void {
    this.#due[0] = this.#n;
    this.#dueN = 1;
    this.#dueAt = 0;
    this.#dueStates = [];
    this.#stateAt = 0;
    this.#releaseLimit = Number.NaN;
    this.#releasing = true;
  }

  /** Starts releasing everything queued with a key up to `limit`; false when nothing is due. */
  #release(limit: number): boolean {
    const n = this.#n;
    const key = this.#key;
    let due = this.#due;
    let d = 0;
    for (let i = this.#head; i < n; i++) if (key[i]! <= limit) due[d++] = i;
    let dueStates: QueuedRecord[] = [];
    if (this.#states.length) {
      const keep: QueuedRecord[] = [];
      for (const s of this.#states) (s.key <= limit ? dueStates : keep).push(s);
      this.#states = keep;
      dueStates.sort((a, b) => a.key - b.key || a.seq - b.seq);
    } else dueStates = [];
    if (d === 0 && dueStates.length === 0) return false;
    // In state order, a release without side-band records goes out as it arrived: every one
    // of its samples sees the same machine state, whatever their order.
    if (this.#timeOrder || dueStates.length > 0) due = sortByKey(due, d, key, this.#sortTmp);
    if (due !== this.#due) {
      this.#sortTmp = this.#due;
      this.#due = due;
    }
    this.#dueN = d;
    this.#dueAt = 0;
    this.#dueStates = dueStates;
    this.#stateAt = 0;
    this.#releaseLimit = limit;
    this.#releasing = true;
    return true;
  }

  /** Applies the release's remaining side-band records and drops its samples from the queue. */
  #endRelease(): void {
    const states = this.#dueStates;
    while (this.#stateAt < states.length) this.#apply(states[this.#stateAt++]!.rec);
    this.#releasing = false;
    if (Number.isNaN(this.#releaseLimit)) return;
    // Delivered entries become NaN keys (never due again, skipped by later scans); the queue
    // is compacted only once its delivered front is at least half of it.
    const key = this.#key;
    const due = this.#due;
    for (let k = 0; k < this.#dueN; k++) key[due[k]!] = Number.NaN;
    let head = this.#head;
    const n = this.#n;
    while (head < n && Number.isNaN(key[head]!)) head++;
    if (head === n) {
      this.#head = this.#n = 0;
      return;
    }
    this.#head = head;
    if (head < 1024 || 2 * head < n) return;
    let j = 0;
    for (let i = head; i < n; i++) {
      if (Number.isNaN(key[i]!)) continue;
      this.#move(i, j);
      j++;
    }
    this.#head = 0;
    this.#n = j;
  }

  #apply(rec: PerfRecord): void {
    this.#threadCache.fill(undefined);
    this.#host.apply(rec);
  }

  /** Makes queued sample `i` current. */
  #load(i: number): void {
    const flags = this.#flags[i]!;
    const pid = flags & HAS_PID ? this.#pid[i]! : -1;
    const tid = flags & HAS_PID ? this.#tid[i]! : -1;
    const ei = this.#entry[i]!;
    if (ei !== this.#loadedEntry) {
      this.#loadedEntry = ei;
      this.#loadedEvsel = this.#host.evselOf(this.#entries[ei]!);
    }
    this.evsel = this.#loadedEvsel!;
    // A few threads interleave: a direct-mapped cache in front of the machine's map.
    const slot = tid & 15;
    let thread = this.#threadCache[slot];
    if (!thread || this.#cacheTid[slot] !== tid || this.#cachePid[slot] !== pid) {
      thread = this.#host.machine.findnewThread(pid, tid);
      this.#threadCache[slot] = thread;
      this.#cacheTid[slot] = tid;
      this.#cachePid[slot] = pid;
    }
    const cpu = flags & HAS_CPU ? this.#cpu[i]! : -1;
    if (cpu >= 0) thread.cpu = cpu;
    this.thread = thread;
    this.pid = pid;
    this.tid = tid;
    this.cpu = cpu;
    // The other fields are read from the columns by getters, when asked for.
    this.#cur = i;
  }

  #move(from: number, to: number): void {
    this.#key[to] = this.#key[from]!;
    this.#seq[to] = this.#seq[from]!;
    this.#entry[to] = this.#entry[from]!;
    this.#pid[to] = this.#pid[from]!;
    this.#tid[to] = this.#tid[from]!;
    this.#cpu[to] = this.#cpu[from]!;
    this.#period[to] = this.#period[from]!;
    this.#ipHi[to] = this.#ipHi[from]!;
    this.#ipLo[to] = this.#ipLo[from]!;
    this.#misc[to] = this.#misc[from]!;
    this.#flags[to] = this.#flags[from]!;
    this.#chain[to] = this.#chain[from]!;
  }

  #grow(): void {
    const n = 2 * this.#key.length;
    this.#key = grownInto(this.#key, new Float64Array(n));
    this.#seq = grownInto(this.#seq, new Float64Array(n));
    this.#entry = grownInto(this.#entry, new Int32Array(n));
    this.#pid = grownInto(this.#pid, new Int32Array(n));
    this.#tid = grownInto(this.#tid, new Int32Array(n));
    this.#cpu = grownInto(this.#cpu, new Uint32Array(n));
    this.#period = grownInto(this.#period, new Float64Array(n));
    this.#ipHi = grownInto(this.#ipHi, new Uint32Array(n));
    this.#ipLo = grownInto(this.#ipLo, new Uint32Array(n));
    this.#misc = grownInto(this.#misc, new Uint16Array(n));
    this.#flags = grownInto(this.#flags, new Uint8Array(n));
    this.#chain = grownInto(this.#chain, new Int32Array(n));
    this.#due = grownInto(this.#due, new Int32Array(n));
    this.#sortTmp = new Int32Array(n);
  }
}

/**
 * Sorts `idx[0..n)` (indices in arrival order) by `key`, stably: a bottom-up merge of its
 * natural sorted stretches (a recording's rounds are one stretch per CPU buffer), so it is
 * linear on usual input and O(n log n) on hostile input. Returns the array holding the result
 * (`idx` or `tmp`).
 */
function sortByKey(
  idx: Int32Array<ArrayBuffer>,
  n: number,
  key: Float64Array,
  tmp: Int32Array<ArrayBuffer>,
): Int32Array<ArrayBuffer> {
  const bounds: number[] = [0];
  for (let i = 1; i < n; i++) if (key[idx[i]!]! < key[idx[i - 1]!]!) bounds.push(i);
  if (bounds.length === 1) return idx;
  bounds.push(n);
  let src = idx;
  let dst = tmp;
  let b = bounds;
  while (b.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < b.length; r += 2) {
      const lo = b[r]!;
      const mid = b[r + 1]!;
      const hi = r + 2 < b.length ? b[r + 2]! : mid;
      let i = lo;
      let j = mid;
      let o = lo;
      // Ties take the left stretch: it arrived first.
      while (i < mid && j < hi) dst[o++] = key[src[j]!]! < key[src[i]!]! ? src[j++]! : src[i++]!;
      while (i < mid) dst[o++] = src[i++]!;
      while (j < hi) dst[o++] = src[j++]!;
      next.push(hi);
    }
    b = next;
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}
