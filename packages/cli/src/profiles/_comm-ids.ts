/**
 * A builder's id per (thread, command name) of walked samples, cached: samples of a few
 * threads take turns, so a direct-mapped slot per tid answers almost every lookup with two
 * identity checks, and a map per thread backs it.
 */
import type { Thread } from "@perfkit/session";

const SLOTS = 16;

/** Ids made by `make` once per (thread, comm) and then looked up cheaply. */
export class CommIds {
  readonly #thread: (object | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly #comm: string[] = new Array(SLOTS).fill("");
  readonly #id = new Int32Array(SLOTS);
  readonly #byThread = new Map<object, { comm: string; id: number }>();

  constructor(private readonly make: (comm: string, pid: number, tid: number) => number) {}

  /** The id of `thread` (pid, tid) under its current command name `comm`. */
  idOf(thread: Thread, comm: string, pid: number, tid: number): number {
    const slot = tid & (SLOTS - 1);
    if (this.#thread[slot] === thread && this.#comm[slot] === comm) return this.#id[slot]!;
    let c = this.#byThread.get(thread);
    if (c === undefined || c.comm !== comm) {
      c = { comm, id: this.make(comm, pid, tid) };
      this.#byThread.set(thread, c);
    }
    this.#thread[slot] = thread;
    this.#comm[slot] = comm;
    this.#id[slot] = c.id;
    return c.id;
  }
}
