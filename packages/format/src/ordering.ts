/**
 * Time ordering as perf's ordered-events does it (§15): kernel records with a timestamp are
 * queued; each FINISHED_ROUND releases those not later than the largest timestamp seen before
 * the previous round; the end of input releases everything. Equal times keep arrival order.
 */
import { RecordType } from "./constants.ts";
import type { RecordsOptions } from "./perf-data.ts";
import type { PerfRecord } from "./record.ts";
import type { RecordWalker } from "./walker.ts";

interface Queued {
  time: bigint;
  seq: number;
  rec: PerfRecord;
}

const byTime = (a: Queued, b: Queued): number => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.seq - b.seq);

/** The reorder queue. */
export class OrderedQueue {
  private queue: Queued[] = [];
  private seq = 0;
  private maxTime = 0n;
  private limit = 0n;
  private sorted = true;
  /** Records that arrived with a timestamp older than what was already released. */
  outOfOrder = 0;
  private lastFlushed = 0n;

  /** Queues a record with its timestamp. */
  push(rec: PerfRecord, time: bigint): void {
    if (time < this.lastFlushed) this.outOfOrder++;
    const q = this.queue;
    if (q.length && time < q[q.length - 1].time) this.sorted = false;
    q.push({ time, seq: this.seq++, rec });
    if (time > this.maxTime) this.maxTime = time;
  }

  /** On FINISHED_ROUND: the records now due, in time order. */
  round(): PerfRecord[] {
    const out = this.take(this.limit);
    this.limit = this.maxTime;
    return out;
  }

  /** At end of input: everything left, in time order. */
  drain(): PerfRecord[] {
    return this.take(null);
  }

  private take(limit: bigint | null): PerfRecord[] {
    const q = this.queue;
    if (!q.length) return [];
    if (!this.sorted) {
      q.sort(byTime);
      this.sorted = true;
    }
    let n = q.length;
    if (limit !== null) {
      // Binary search for the first entry past the limit.
      let lo = 0;
      let hi = q.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (q[mid].time <= limit) lo = mid + 1;
        else hi = mid;
      }
      n = lo;
    }
    if (n === 0) return [];
    const due = q.splice(0, n);
    this.lastFlushed = due[due.length - 1].time;
    return due.map((e) => e.rec);
  }
}

/** Records of a walker as objects, in file order; the walker is closed at the end. */
export function recordsOf(w: RecordWalker): Generator<PerfRecord, void, undefined> {
  return readerRecords(new FileOrderReader(w));
}

/** perf's ordered delivery (§15) straight over a walker, as a generator. */
export function inTimeOrder(w: RecordWalker): Generator<PerfRecord, void, undefined> {
  return readerRecords(new TimeOrderedReader(w));
}

/** A pull reader as a generator; the reader is closed when the generator ends or is returned. */
export function* readerRecords(reader: RecordReader): Generator<PerfRecord, void, undefined> {
  try {
    for (let rec = reader.next(); rec; rec = reader.next()) yield rec;
  } finally {
    reader.close();
  }
}

const TWO32 = 2 ** 32;

/** A sorted run of queued records: consecutive arrivals in non-decreasing time. */
interface Run {
  recs: PerfRecord[];
  keys: number[];
  /** Arrival numbers: ties between runs go to the earlier arrival. */
  seqs: number[];
  /** First entry not yet delivered. */
  head: number;
}

/** Sorted runs kept apart (heads are scanned linearly); later arrivals that would start another wait unsorted. */
const MAX_RUNS = 8;
/** Delivered entries a run drops from its front once they are at least half of it. */
const COMPACT_AT = 8192;

/**
 * perf's ordered delivery (§15) as a pull reader: `next()` returns the next record in time
 * order, or null at the end. Queued records sit in sorted runs (a recording's rounds are one
 * run per CPU buffer, already sorted), and a release pops the smallest run head while it is
 * due, so each record is touched once on the way in and once on the way out: no sort, no
 * BigInt and no object per record. Keys are the time minus the first time seen, exact as
 * doubles for 104 days of recording. Equal times keep arrival order. Damage: what was read
 * before it is still delivered, in order, then the error.
 */
export class TimeOrderedReader {
  #runs: Run[] = [];
  /** Arrivals that would have started a run past MAX_RUNS, sorted (once) when a release comes. */
  #overflow: Run | null = null;
  #seq = 0;
  /** Records with keys up to this are due now (-Infinity: none). */
  #releaseLimit = -Infinity;
  #maxKey = -Infinity;
  #limit = -Infinity;
  #lastFlushed = -Infinity;
  #baseHi = -1;
  #baseLo = 0;
  #pendingError: unknown = undefined;
  #ended = false;
  /** Records that arrived with a timestamp older than what was already released. */
  outOfOrder = 0;

  constructor(private readonly walker: RecordWalker) {}

  /** The next record in time order, or null when every record was delivered. */
  next(): PerfRecord | null {
    for (;;) {
      if (this.#releaseLimit !== -Infinity) {
        if (this.#overflow) {
          this.#runs.push(sortRun(this.#overflow));
          this.#overflow = null;
        }
        const rec = this.#popDue();
        if (rec) return rec;
        this.#releaseLimit = -Infinity;
      }
      if (this.#ended) {
        if (this.#pendingError !== undefined) {
          const e = this.#pendingError;
          this.#pendingError = undefined;
          throw e;
        }
        return null;
      }
      let more: boolean;
      try {
        more = this.walker.next();
      } catch (e) {
        this.#pendingError = e;
        more = false;
      }
      if (!more) {
        this.#ended = true;
        this.walker.close();
        this.#releaseLimit = Infinity;
        continue;
      }
      const rec = this.walker.record();
      if (rec.type === RecordType.FINISHED_ROUND) {
        // perf handles the marker first, then flushes what the round released.
        this.#releaseLimit = this.#limit;
        this.#limit = this.#maxKey;
        return rec;
      }
      if (rec.type < 64) {
        const key = this.#keyOf(rec);
        if (!Number.isNaN(key)) {
          this.#push(rec, key);
          continue;
        }
      }
      return rec;
    }
  }

  /** Releases the walker (and the file window it holds). */
  close(): void {
    this.walker.close();
  }

  /** The record's time as a number relative to the first time seen; NaN when it has none. */
  #keyOf(rec: PerfRecord): number {
    const e = rec.event;
    if (!e) return Number.NaN;
    const l = e.layout;
    let at: number;
    if (rec.type === 9) {
      if (l.time < 0 || l.time + 8 > rec.size) return Number.NaN;
      at = rec.pos + l.time;
    } else {
      if (l.trailerTime <= 0 || l.trailerSize > rec.size - 8) return Number.NaN;
      at = rec.pos + rec.size - l.trailerTime;
    }
    const v = rec.view;
    const le = rec.littleEndian;
    const lo = v.getUint32(at + (le ? 0 : 4), le);
    const hi = v.getUint32(at + (le ? 4 : 0), le);
    // perf's "no time" values.
    if ((hi === 0 && lo === 0) || (hi === 0xffffffff && lo === 0xffffffff)) return Number.NaN;
    if (this.#baseHi < 0) {
      this.#baseHi = hi;
      this.#baseLo = lo;
    }
    // Exact within 2^53 ns (104 days) of the first time; further out (damaged times) only
    // records closer together than a double's spacing there could swap.
    return (hi - this.#baseHi) * TWO32 + (lo - this.#baseLo);
  }

  #push(rec: PerfRecord, key: number): void {
    if (key < this.#lastFlushed) this.outOfOrder++;
    if (key > this.#maxKey) this.#maxKey = key;
    let run = this.#overflow ?? this.#runs[this.#runs.length - 1];
    if (!run || (run !== this.#overflow && key < run.keys[run.keys.length - 1]!)) {
      run = { recs: [], keys: [], seqs: [], head: 0 };
      if (this.#runs.length >= MAX_RUNS) this.#overflow = run;
      else this.#runs.push(run);
    }
    run.recs.push(rec);
    run.keys.push(key);
    run.seqs.push(this.#seq++);
  }

  /** Pops the earliest queued record if it is due; the earliest run wins ties (it arrived first). */
  #popDue(): PerfRecord | null {
    const runs = this.#runs;
    let best = -1;
    let bestKey = 0;
    let bestSeq = 0;
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i]!;
      const k = r.keys[r.head]!;
      if (best < 0 || k < bestKey || (k === bestKey && r.seqs[r.head]! < bestSeq)) {
        best = i;
        bestKey = k;
        bestSeq = r.seqs[r.head]!;
      }
    }
    if (best < 0 || bestKey > this.#releaseLimit) return null;
    const r = runs[best]!;
    const rec = r.recs[r.head]!;
    // Drop the reference so delivered records (and their file windows) can be collected.
    (r.recs as (PerfRecord | undefined)[])[r.head] = undefined;
    r.head++;
    if (r.head === r.keys.length) runs.splice(best, 1);
    else if (r.head >= COMPACT_AT && r.head * 2 >= r.keys.length) {
      // A run that sorted input keeps alive across rounds would otherwise grow with the file.
      r.recs.splice(0, r.head);
      r.keys.splice(0, r.head);
      r.seqs.splice(0, r.head);
      r.head = 0;
    }
    this.#lastFlushed = bestKey;
    return rec;
  }
}

/**
 * Sorts a run in arrival order by key, stably: a bottom-up merge of its natural sorted
 * stretches, O(n log stretches), so hostile input cannot make ordering quadratic.
 */
function sortRun(run: Run): Run {
  let keys = run.keys;
  let recs = run.recs;
  let seqs = run.seqs;
  const n = keys.length;
  let bounds: number[] = [0];
  for (let i = 1; i < n; i++) if (keys[i]! < keys[i - 1]!) bounds.push(i);
  bounds.push(n);
  let ok: number[] = new Array(n);
  let or: PerfRecord[] = new Array(n);
  let os: number[] = new Array(n);
  while (bounds.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const a = bounds[r]!;
      const m = bounds[r + 1]!;
      const b = r + 2 < bounds.length ? bounds[r + 2]! : m;
      let i = a;
      let j = m;
      let o = a;
      while (i < m || j < b) {
        // Ties take the left stretch: it arrived first.
        const fromRight = i >= m || (j < b && keys[j]! < keys[i]!);
        const from = fromRight ? j++ : i++;
        ok[o] = keys[from]!;
        or[o] = recs[from]!;
        os[o++] = seqs[from]!;
      }
      next.push(b);
    }
    bounds = next;
    [keys, ok] = [ok, keys];
    [recs, or] = [or, recs];
    [seqs, os] = [os, seqs];
  }
  return { recs, keys, seqs, head: 0 };
}

/** K-way merge of time-ordered record streams; records without a timestamp go first, as they come. */
export function* mergeByTime(
  streams: Generator<PerfRecord, void, undefined>[],
): Generator<PerfRecord, void, undefined> {
  yield* readerRecords(
    new MergedReader(
      streams.map((g) => ({
        next: () => g.next().value ?? null,
        close: () => void g.return(undefined),
      })),
    ),
  );
}

/** A pull reader of records: `next()` returns the next record or null at the end. */
export interface RecordReader {
  next(): PerfRecord | null;
  /** Releases the underlying walkers. Safe to call twice. */
  close(): void;
}

/** What {@link recordReader} needs from a file (a PerfDataFile). */
export interface ReadableFile {
  cursor(options?: Omit<RecordsOptions, "ordered">): RecordWalker;
  readonly members: readonly string[];
}

/**
 * The records of a file as a pull reader: file order, or perf's time order with `ordered`
 * (directory-mode members each time-ordered, then merged by timestamp). Pulling avoids a
 * generator resume per record on hot paths; `PerfDataFile.records()` is the generator form.
 */
export function recordReader(file: ReadableFile, options: RecordsOptions = {}): RecordReader {
  const w = file.cursor(options);
  if (!options.ordered) return new FileOrderReader(w);
  if (file.members.length) return new MergedReader(w.split().map((m) => new TimeOrderedReader(m)));
  return new TimeOrderedReader(w);
}

/** Records in file order. */
class FileOrderReader implements RecordReader {
  constructor(private readonly walker: RecordWalker) {}
  next(): PerfRecord | null {
    if (this.walker.next()) return this.walker.record();
    this.walker.close();
    return null;
  }
  close(): void {
    this.walker.close();
  }
}

/** K-way merge of time-ordered readers; records without a timestamp go first, as they come. */
class MergedReader implements RecordReader {
  private readonly heads: (PerfRecord | null)[];
  constructor(private readonly readers: RecordReader[]) {
    this.heads = readers.map((r) => r.next());
  }
  next(): PerfRecord | null {
    const heads = this.heads;
    let pick = -1;
    let best: bigint | undefined;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (!h) continue;
      const t = h.time;
      if (t === undefined || t === 0n) {
        pick = i;
        break;
      }
      if (best === undefined || t < best) {
        best = t;
        pick = i;
      }
    }
    if (pick < 0) return null;
    const rec = heads[pick]!;
    heads[pick] = this.readers[pick]!.next();
    return rec;
  }
  close(): void {
    for (const r of this.readers) r.close();
  }
}
