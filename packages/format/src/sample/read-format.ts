/** `read_format` value layouts, used by PERF_SAMPLE_READ and PERF_RECORD_READ (§10). */
import { ReadFormat as RF } from "../constants.ts";

/** One counter value of a read. */
export interface ReadValue {
  value: bigint;
  id?: bigint;
  lost?: bigint;
}

/** Decoded read values: one entry, or one per group member when GROUP is set. */
export interface ReadValues {
  timeEnabled?: bigint;
  timeRunning?: bigint;
  values: ReadValue[];
}

/** Byte size of a read at `pos`, or -1 when it does not fit before `end`. */
export function readFormatSize(view: DataView, pos: number, end: number, fmt: number, le: boolean): number {
  const perValue = 8 + (fmt & RF.ID ? 8 : 0) + (fmt & RF.LOST ? 8 : 0);
  const times = (fmt & RF.TOTAL_TIME_ENABLED ? 8 : 0) + (fmt & RF.TOTAL_TIME_RUNNING ? 8 : 0);
  if (!(fmt & RF.GROUP)) return pos + perValue + times <= end ? perValue + times : -1;
  if (pos + 8 > end) return -1;
  const nr = view.getBigUint64(pos, le);
  const room = BigInt(end - pos - 8 - times);
  if (room < 0n || nr * BigInt(perValue) > room) return -1;
  return 8 + times + Number(nr) * perValue;
}

/** Decodes a read already checked with {@link readFormatSize}. */
export function decodeReadFormat(view: DataView, pos: number, fmt: number, le: boolean): ReadValues {
  const out: ReadValues = { values: [] };
  const one = (): ReadValue => {
    const v: ReadValue = { value: view.getBigUint64(pos, le) };
    pos += 8;
    if (fmt & RF.ID) {
      v.id = view.getBigUint64(pos, le);
      pos += 8;
    }
    if (fmt & RF.LOST) {
      v.lost = view.getBigUint64(pos, le);
      pos += 8;
    }
    return v;
  };
  const times = () => {
    if (fmt & RF.TOTAL_TIME_ENABLED) {
      out.timeEnabled = view.getBigUint64(pos, le);
      pos += 8;
    }
    if (fmt & RF.TOTAL_TIME_RUNNING) {
      out.timeRunning = view.getBigUint64(pos, le);
      pos += 8;
    }
  };
  if (fmt & RF.GROUP) {
    const nr = Number(view.getBigUint64(pos, le));
    pos += 8;
    times();
    for (let i = 0; i < nr; i++) out.values.push(one());
  } else {
    const value = view.getBigUint64(pos, le);
    pos += 8;
    times();
    const v: ReadValue = { value };
    if (fmt & RF.ID) {
      v.id = view.getBigUint64(pos, le);
      pos += 8;
    }
    if (fmt & RF.LOST) v.lost = view.getBigUint64(pos, le);
    out.values.push(v);
  }
  return out;
}
