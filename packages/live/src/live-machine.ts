/**
 * The session package's Machine kept current from a live stream: seeded from /proc at start
 * (perf record's synthesised COMM/MMAP2 and the kernel map), then fed the live
 * COMM/FORK/EXIT/MMAP/MMAP2/KSYMBOL records in arrival order.
 */
import { readFileSync } from "node:fs";
import { type DecodedRecord, Misc, type MmapRecord } from "@perfkit/format";
import { type AddressSpace, Machine } from "@perfkit/session";
import { listPids, procMapRecord, procMaps, procThreads } from "./proc.ts";

/** The kernel text start (`_text`, else `_stext`) from /proc/kallsyms; null when hidden. */
export function kernelTextStart(kallsyms = "/proc/kallsyms"): bigint | null {
  let text: string;
  try {
    text = readFileSync(kallsyms, "utf8");
  } catch {
    return null;
  }
  const m = /^([0-9a-f]+) [Tt] _text$/m.exec(text) ?? /^([0-9a-f]+) [Tt] _stext$/m.exec(text);
  if (!m) return null;
  const addr = BigInt(`0x${m[1]}`);
  // kptr_restrict shows zeros: no usable kernel map.
  return addr === 0n ? null : addr;
}

/** The kernel MMAP perf record synthesises: `[kernel.kallsyms]_text` from _text to the top. */
export function kernelMmapRecord(start: bigint): MmapRecord {
  return {
    kind: "MMAP",
    pid: -1,
    tid: 0,
    start,
    len: 0xffffffffffffffffn - start,
    pgoff: start,
    filename: "[kernel.kallsyms]_text",
    sampleId: {},
  };
}

/** Live machine state: threads, comms, maps and symbols, as the file Session keeps them. */
export class LiveMachine {
  /** The underlying session Machine (threads, maps, dsos). */
  readonly machine = new Machine();
  /** Pids already looked up in /proc, so a vanished process is not re-read on every sample. */
  readonly #seeded = new Set<number>();

  /**
   * Seeds threads and executable maps from /proc: the given pids, or every process when
   * `pids` is "all". Also adds the kernel map when kallsyms shows addresses.
   */
  seed(pids: readonly number[] | "all"): void {
    const start = kernelTextStart();
    if (start !== null) this.machine.processMmap(kernelMmapRecord(start), Misc.KERNEL);
    for (const pid of pids === "all" ? listPids() : pids) this.seedProcess(pid);
  }

  /** Adds one process (its threads' comms and its executable maps) from /proc. */
  seedProcess(pid: number): void {
    this.#seeded.add(pid);
    for (const t of procThreads(pid)) {
      this.machine.processComm({ kind: "COMM", pid: t.pid, tid: t.tid, comm: t.comm, exec: false, sampleId: {} });
    }
    for (const m of procMaps(pid)) {
      this.machine.processMmap(procMapRecord(m), Misc.USER);
    }
  }

  /**
   * Applies a decoded side-band record. Returns false for records that do not change the
   * machine (the caller counts or skips them).
   */
  apply(d: DecodedRecord, misc: number): boolean {
    switch (d.kind) {
      case "COMM":
        this.machine.processComm(d);
        return true;
      case "FORK":
        this.machine.processFork(d);
        return true;
      case "EXIT":
        this.machine.processExit(d);
        return true;
      case "MMAP":
      case "MMAP2":
        this.machine.processMmap(d, misc);
        return true;
      case "KSYMBOL":
        this.machine.processKsymbol(d);
        return true;
      default:
        return false;
    }
  }

  /** The comm and address-space snapshot of a sample's thread (created on first sight). */
  threadState(pid: number, tid: number, cpu: number | undefined): { comm: string; space: AddressSpace } {
    const t = this.machine.findnewThread(pid, tid);
    if (cpu !== undefined) t.cpu = cpu;
    if (!t.commSet && pid > 0 && !this.#seeded.has(pid)) {
      // A thread that appeared without COMM (created before the counters and missed by the
      // snapshot): read its comm and maps now, as perf does for unknown threads at start.
      this.seedProcess(pid);
    }
    return {
      comm: t.comm(),
      space: { kernel: this.machine.kernelMaps.snapshot(), user: t.maps.snapshot() },
    };
  }
}
