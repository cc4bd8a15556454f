/**
 * Full decode of a perf.data: every record, every sample field. Samples are decoded through
 * SampleBatch (every field of the sample_type copied into columns, each callchain entry
 * included); every other record is decoded to its typed form. The columns of every field the
 * file's events have are folded into checksums so the work cannot be optimised away. Used by
 * `bun run bench`.
 */
import { openPerfData, SampleType as S, SampleBatch, u64Halves } from "@perfkit/format";

const path = process.argv[2] ?? "perf.data";
using file = openPerfData(path);
let samples = 0;
let frames = 0;
let other = 0;
/** XOR of every ip (as before the batch decoder) and a fold of every other field. */
let ipLo = 0;
let ipHi = 0;
let fields = 0;

const batch = new SampleBatch(4096);

/**
 * Folds the first `bytes` bytes of a column as 32-bit words: one monomorphic loop for every
 * column type (u64 columns are read as halves, so no BigInt is made).
 */
function fold(column: ArrayBufferView, bytes: number): number {
  const w = new Int32Array(column.buffer, column.byteOffset, bytes >>> 2);
  let x = 0;
  for (let i = 0; i < w.length; i++) x ^= w[i]!;
  return x;
}

/** Consumes the batch: every column of a field some event of the file has, every pool byte and word. */
function consume(): void {
  const n = batch.length;
  // The fields present in this batch: the union of its rows' sample_types.
  let present = 0;
  for (let i = 0; i < n; i++) present |= batch.sampleType[i]!;
  samples += n;
  const ip = u64Halves(batch.ip);
  for (let i = 0; i < n; i++) {
    ipLo ^= ip[2 * i]!;
    ipHi ^= ip[2 * i + 1]!;
  }
  let x = fold(batch.misc, 2 * n) ^ fold(batch.period, 8 * n);
  if (present & S.TID) x ^= fold(batch.pid, 4 * n) ^ fold(batch.tid, 4 * n);
  if (present & S.TIME) x ^= fold(batch.time, 8 * n);
  if (present & S.ADDR) x ^= fold(batch.addr, 8 * n);
  if (present & (S.ID | S.IDENTIFIER)) x ^= fold(batch.id, 8 * n);
  if (present & S.STREAM_ID) x ^= fold(batch.streamId, 8 * n);
  if (present & S.CPU) x ^= fold(batch.cpu, 4 * n);
  if (present & (S.WEIGHT | S.WEIGHT_STRUCT)) x ^= fold(batch.weight, 8 * n);
  if (present & S.DATA_SRC) x ^= fold(batch.dataSrc, 8 * n);
  if (present & S.TRANSACTION) x ^= fold(batch.transaction, 8 * n);
  if (present & S.PHYS_ADDR) x ^= fold(batch.physAddr, 8 * n);
  if (present & S.CGROUP) x ^= fold(batch.cgroup, 8 * n);
  if (present & S.DATA_PAGE_SIZE) x ^= fold(batch.dataPageSize, 8 * n);
  if (present & S.CODE_PAGE_SIZE) x ^= fold(batch.codePageSize, 8 * n);
  if (present & S.REGS_USER) x ^= fold(batch.regsUserAbi, 8 * n);
  if (present & S.REGS_INTR) x ^= fold(batch.regsIntrAbi, 8 * n);
  if (present & S.STACK_USER) x ^= fold(batch.stackDynSize, 4 * n);
  if (present & S.BRANCH_STACK) x ^= fold(batch.branchCount, 4 * n);
  if (present & S.CALLCHAIN) {
    // Every entry of every callchain: the whole word pool is the rows' chains back to back.
    const words = batch.callchainUsed;
    frames += words;
    x ^= fold(batch.callchain, 8 * words);
  }
  // Read values, raw data, branch stacks, registers, stacks and AUX data live in the byte pool.
  const used = batch.bytesUsed;
  x ^= fold(batch.bytes, used & ~3);
  for (let i = used & ~3; i < used; i++) x ^= batch.bytes[i]!;
  fields ^= x;
  batch.clear();
}

/** The walk, in a function: the JIT optimises function bodies better than module-level code. */
function walk(): void {
  const w = file.cursor();
  // nextInto() appends every sample it passes and stops on anything else or a full batch.
  while (w.nextInto(batch)) {
    if (batch.full) consume();
    if (w.type !== 9) {
      // A copy keeps the reader's window free for reuse; the decode is the same.
      w.recordCopy().decode();
      other++;
    }
  }
}

walk();
consume();
const checksum = ((BigInt(ipHi >>> 0) << 32n) | BigInt(ipLo >>> 0)).toString(16);
console.log(JSON.stringify({ samples, frames, other, checksum, fields: (fields >>> 0).toString(16) }));
