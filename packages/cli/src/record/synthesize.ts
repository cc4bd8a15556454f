/**
 * Records perf record synthesises before the live data: the kernel map and, for each
 * process already running, COMM and MMAP2 of its executable maps (from /proc).
 */
import { type EventAttr, encodeKernelRecord, Misc, type SampleId } from "@perfkit/format";
import { kernelMmapRecord, kernelTextStart, listPids, procMapRecord, procMaps, procThreads } from "@perfkit/live";

/** Encoded synthetic records for `pids` ("all": every process), with the first event's sample_id trailer. */
export function synthesizeRecords(pids: readonly number[] | "all", attr: EventAttr, id: bigint): Uint8Array[] {
  const out: Uint8Array[] = [];
  const sid = (pid: number, tid: number): SampleId => ({ pid, tid, time: 0n, id, streamId: id, cpu: 0 });
  const start = kernelTextStart();
  if (start !== null) {
    const k = kernelMmapRecord(start);
    out.push(encodeKernelRecord({ ...k, sampleId: sid(-1, 0) }, attr, true, Misc.KERNEL));
  }
  for (const pid of pids === "all" ? listPids() : pids) {
    const threads = procThreads(pid);
    if (threads.length === 0) continue;
    for (const t of threads) {
      out.push(
        encodeKernelRecord(
          { kind: "COMM", pid: t.pid, tid: t.tid, comm: t.comm, exec: false, sampleId: sid(t.pid, t.tid) },
          attr,
          true,
        ),
      );
    }
    for (const m of procMaps(pid)) {
      out.push(encodeKernelRecord(procMapRecord(m, sid(pid, pid)), attr, true, Misc.USER));
    }
  }
  return out;
}
