/**
 * Time ordering as perf's ordered-events does it (§15): kernel records with a timestamp are
 * queued; each FINISHED_ROUND releases those not later than the largest timestamp seen before
 * the previous round; the end of input releases everything. Equal times keep arrival order.
 */
import { RecordType } from "./constants.ts";
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
export function* recordsOf(w: RecordWalker): Generator<PerfRecord, void, undefined> {
  try {
    while (w.next()) yield w.record();
  } finally {
    w.close();
  }
}

/** perf's ordered delivery (§15) straight over a walker: one generator layer, not two. */
export function* inTimeOrder(w: RecordWalker): Generator<PerfRecord, void, undefined> {
  const queue = new OrderedQueue();
  try {
    for (;;) {
      let more: boolean;
      try {
        more = w.next();
      } catch (e) {
        // Damage: what was read before it is still delivered, in order, then the error.
        yield* queue.drain();
        throw e;
      }
      if (!more) break;
      const rec = w.record();
      if (rec.type === RecordType.FINISHED_ROUND) {
        // perf handles the marker first, then flushes what the round released.
        yield rec;
        yield* queue.round();
        continue;
      }
      if (rec.type < 64) {
        const t = rec.time;
        if (t !== undefined && t !== 0n && t !== 0xffffffffffffffffn) {
          queue.push(rec, t);
          continue;
        }
      }
      yield rec;
    }
  } finally {
    w.close();
  }
  yield* queue.drain();
}

/** K-way merge of time-ordered record streams; records without a timestamp go first, as they come. */
export function* mergeByTime(
  streams: Generator<PerfRecord, void, undefined>[],
): Generator<PerfRecord, void, undefined> {
  const heads: (PerfRecord | undefined)[] = streams.map((g) => g.next().value ?? undefined);
  for (;;) {
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
    if (pick < 0) return;
    yield heads[pick]!;
    heads[pick] = streams[pick].next().value ?? undefined;
  }
}
