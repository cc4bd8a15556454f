/** Decoding what read(2) returns from a counting fd, per `read_format` (perf-data-format.md §10). */
import { ReadFormat } from "@perfkit/format";

/** One counter reading. `ena`/`run` are 0n when read_format lacks TOTAL_TIME_ENABLED/RUNNING. */
export interface Counts {
  /** The count. */
  val: bigint;
  /** Time the event was enabled (ns). */
  ena: bigint;
  /** Time the event was actually counting on a PMU (ns); less than ena when multiplexed. */
  run: bigint;
}

/** Bytes read(2) returns for a read_format and group size. */
export function readSize(readFormat: number, groupSize: number): number {
  const times =
    (readFormat & ReadFormat.TOTAL_TIME_ENABLED ? 1 : 0) + (readFormat & ReadFormat.TOTAL_TIME_RUNNING ? 1 : 0);
  const perValue = 1 + (readFormat & ReadFormat.ID ? 1 : 0) + (readFormat & ReadFormat.LOST ? 1 : 0);
  if (readFormat & ReadFormat.GROUP) return 8 * (1 + times + perValue * groupSize);
  return 8 * (times + perValue);
}

/** Decodes a read(2) result; with PERF_FORMAT_GROUP, takes the value at `member` (0 = leader). */
export function decodeRead(view: DataView, readFormat: number, member: number): Counts {
  let at = 0;
  const next = (): bigint => {
    const v = view.getBigUint64(at, true);
    at += 8;
    return v;
  };
  const group = (readFormat & ReadFormat.GROUP) !== 0;
  const nr = group ? Number(next()) : 1;
  let val = group ? 0n : next();
  const ena = readFormat & ReadFormat.TOTAL_TIME_ENABLED ? next() : 0n;
  const run = readFormat & ReadFormat.TOTAL_TIME_RUNNING ? next() : 0n;
  if (group) {
    const stride = 8 * (1 + (readFormat & ReadFormat.ID ? 1 : 0) + (readFormat & ReadFormat.LOST ? 1 : 0));
    if (member >= nr) throw new Error(`group read returned ${nr} values, member ${member} is missing`);
    val = view.getBigUint64(at + member * stride, true);
  }
  return { val, ena, run };
}

/** The count scaled for multiplexing (`val * ena / run`), as perf stat prints it. */
export function scaledCount(c: Counts): bigint {
  if (c.run === 0n) return 0n;
  if (c.run === c.ena) return c.val;
  return (c.val * c.ena) / c.run;
}
