/**
 * The stat file `perf stat record` writes and `perf stat report` reads: attrs with ids, then
 * EVENT_UPDATE (unit/scale of clock events), THREAD_MAP, CPU_MAP, STAT_CONFIG, one STAT per
 * counter and a final STAT_ROUND carrying the elapsed time; the STAT feature marks it.
 */
import {
  ByteWriter,
  type EventAttr,
  emptyAttr,
  encodeUserRecord,
  Feature,
  type WriterEvent,
  writePerfData,
} from "@perfkit/format";
import { recordFeatures } from "../record/features.ts";
import { isClockEvent, type StatCounter } from "./counters.ts";

/** perf's stat config tags and values (tools/lib/perf/include/perf/event.h). */
const TAG_AGGR_MODE = 0n;
const TAG_INTERVAL = 1n;
const TAG_SCALE = 2n;
const AGGR_GLOBAL = 1n;
const STAT_ROUND_FINAL = 1;

/** Bytes of a stat file for counters counted on `pid` over `elapsedNs`. */
export function statFileBytes(
  counters: readonly StatCounter[],
  pid: number,
  elapsedNs: bigint,
  cmdline: string[],
): Uint8Array {
  const le = true;
  const counted = counters.filter((c) => c.evsel !== null);
  const events: WriterEvent[] = counted.map((c) => ({
    // perf 6.1 reads attrs up to 128 bytes.
    attr: { ...emptyAttr(), ...c.evsel!.attr, size: 128 } as EventAttr,
    ids: c.evsel!.ids(),
    name: c.name,
  }));
  const records: Uint8Array[] = [];
  for (const [i, c] of counted.entries()) {
    if (!isClockEvent(c.name)) continue;
    const id = events[i]!.ids[0]!;
    records.push(encodeUserRecord({ kind: "EVENT_UPDATE", updateType: 0, id, unit: "msec" }, le));
    records.push(encodeUserRecord({ kind: "EVENT_UPDATE", updateType: 1, id, scale: 1e-6 }, le));
  }
  records.push(encodeUserRecord({ kind: "THREAD_MAP", threads: [{ pid: BigInt(pid), comm: "" }] }, le));
  records.push(encodeUserRecord({ kind: "CPU_MAP", cpus: [-1] }, le));
  records.push(
    encodeUserRecord(
      {
        kind: "STAT_CONFIG",
        entries: [
          { tag: TAG_AGGR_MODE, val: AGGR_GLOBAL },
          { tag: TAG_INTERVAL, val: 0n },
          { tag: TAG_SCALE, val: 1n },
        ],
      },
      le,
    ),
  );
  for (const [i, c] of counted.entries()) {
    const t = c.total;
    records.push(
      encodeUserRecord(
        { kind: "STAT", id: events[i]!.ids[0]!, cpu: 0xffffffff, thread: 0, val: t.val, ena: t.ena, run: t.run },
        le,
      ),
    );
  }
  records.push(encodeUserRecord({ kind: "STAT_ROUND", statRoundType: STAT_ROUND_FINAL, time: elapsedNs }, le));
  const features = recordFeatures(cmdline, le);
  features.set(Feature.STAT, new ByteWriter(le).finish());
  return writePerfData({ mode: "file", events, records, features, attrSize: 128 });
}
