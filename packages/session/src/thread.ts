/** A thread of the recorded machine, as perf's `struct thread` tracks it. */
import type { MapList } from "./maps.ts";

/** A thread: ids, parent, last cpu, and its current command name. */
export class Thread {
  /** Parent thread id (from FORK), -1 when unknown. */
  ppid = -1;
  /** The CPU of the thread's last sample, -1 when unknown. */
  cpu = -1;
  /** Set when a COMM record named the thread (else the name is perf's `:tid`). */
  commSet = false;
  /** Set once an EXIT record was seen. */
  exited = false;
  /** Namespaces from NAMESPACES records (dev, inode per namespace type). */
  namespaces: { dev: bigint; inode: bigint }[] = [];
  #comm: string;

  constructor(
    /** Process id (thread group leader), -1 when unknown. */
    public pid: number,
    readonly tid: number,
    /** The address space shared by the thread group. */
    public maps: MapList,
  ) {
    this.#comm = `:${tid}`;
  }

  /** The thread's current command name (perf's thread__comm_str). */
  comm(): string {
    return this.#comm;
  }

  /** Sets the command name (COMM record, fork inheritance). */
  setComm(comm: string): void {
    this.#comm = comm;
    this.commSet = true;
  }
}
