/** The one bounds check of a sample's callchain count, shared by every reader of it. */
import { PerfDataError } from "../errors.ts";

/**
 * The callchain entry count stored at `at` (from the record start) of the record at `pos` of
 * `size` bytes, read as two 32-bit halves (no BigInt). Throws the decoder's PerfDataError,
 * naming `fileOffset + at` and `recordIndex`, when the count runs past the record or its
 * entries would.
 */
export function checkedCallchainCount(
  view: DataView,
  pos: number,
  size: number,
  at: number,
  le: boolean,
  fileOffset: number,
  recordIndex: number,
): number {
  if (at + 8 > size) {
    throw badCount(
      `callchain runs past the end of the record (needs 8 at +${at}, size ${size})`,
      fileOffset + at,
      recordIndex,
    );
  }
  const lo = view.getUint32(pos + at + (le ? 0 : 4), le);
  const hi = view.getUint32(pos + at + (le ? 4 : 0), le);
  if (hi !== 0 || lo > (size - at - 8) / 8) {
    throw badCount(`callchain count ${hi ? ">2^32" : lo} does not fit the record`, fileOffset + at, recordIndex);
  }
  return lo;
}

// Built out of line: the check runs once per sample, and the hot path allocates nothing.
function badCount(msg: string, offset: number, recordIndex: number): PerfDataError {
  return new PerfDataError("bad-sample", msg, offset, recordIndex, 9);
}
