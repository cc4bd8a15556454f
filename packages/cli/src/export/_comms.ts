/**
 * perf's per-thread comm history (struct comm lists, util/thread.c), which the session's
 * Thread does not keep: db export needs each comm's start time, its exec flag, the thread's
 * exec comm, and one database id per comm object.
 */
import type { Thread } from "@perfkit/session";

/** One `struct comm` of a thread. */
export interface CommEntry {
  str: string;
  start: bigint;
  exec: boolean;
  /** 0 until exported. */
  dbId: number;
}

/** The comm list of one thread (newest first) and perf's comm_set flag. */
export interface ThreadComms {
  readonly comms: CommEntry[];
  commSet: boolean;
  /** The thread's db id, 0 until exported. */
  dbId: number;
}

/** Comm histories keyed by the session's Thread objects (a FORK makes a new object, as in perf). */
export class CommHistory {
  readonly #states = new Map<Thread, ThreadComms>();

  /** The state of `t`; a thread never seen by a COMM or FORK has perf's initial `:tid` comm. */
  of(t: Thread): ThreadComms {
    let s = this.#states.get(t);
    if (!s) {
      s = { comms: [{ str: `:${t.tid}`, start: 0n, exec: false, dbId: 0 }], commSet: false, dbId: 0 };
      this.#states.set(t, s);
    }
    return s;
  }

  /** thread__set_comm: the first comm overrides the `:tid` placeholder, later ones stack. */
  setComm(t: Thread, str: string, time: bigint, exec: boolean): void {
    const s = this.of(t);
    if (!s.commSet) {
      const c = s.comms[0]!;
      c.str = str;
      c.start = time;
      if (exec) c.exec = true;
    } else s.comms.unshift({ str, start: time, exec, dbId: 0 });
    s.commSet = true;
  }

  /** thread__fork's comm part: a new thread shares its parent's current comm. */
  fork(child: Thread, parent: Thread, time: bigint): void {
    this.#states.delete(child);
    const p = this.of(parent);
    if (p.commSet) this.setComm(child, p.comms[0]!.str, time, false);
  }

  /** thread__comm: the newest comm. */
  current(t: Thread): CommEntry {
    return this.of(t).comms[0]!;
  }

  /** thread__exec_comm (with perf's preference against a synthesized parent comm of a main thread). */
  execComm(t: Thread): CommEntry {
    const list = this.of(t).comms;
    let last: CommEntry | undefined;
    let secondLast: CommEntry | undefined;
    for (const c of list) {
      if (c.exec) return c;
      secondLast = last;
      last = c;
    }
    if (secondLast && last!.start === 0n && t.pid === t.tid) return secondLast;
    return last!;
  }
}
