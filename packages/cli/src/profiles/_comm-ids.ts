/**
 * A builder's id per (thread, command name) of walked samples, cached: samples of a few
 * threads take turns, so a direct-mapped slot per tid answers almost every lookup with two
 * identity checks, and a map per thread backs it.
 */
import type { WalkedSample } from "./_walk.ts";

const SLOTS = 16;

/** Ids made by `make` once per (thread, comm) and then looked up cheaply. */
export class CommIds {
  readonly #thread: (object | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly #comm: string[] = new Array(SLOTS).fill("");
  readonly #id = new Int32Array(SLOTS);
  readonly #byThread = new Map<object, { comm: string; id: number }>();

  constructor(private readonly make: (s: WalkedSample) => number) {}

  /** The id of the sample's thread under its current command name. */
  idOf(s: WalkedSample): number {
    const slot = s.tid & (SLOTS - 1);
    if (this.#thread[slot] === s.thread && this.#comm[slot] === s.comm) return this.#id[slot]!;
    let c = this.#byThread.get(s.thread);
    if (c === undefined || c.comm !== s.comm) {
      c = { comm: s.comm, id: this.make(s) };
      this.#byThread.set(s.thread, c);
    }
    this.#thread[slot] = s.thread;
    this.#comm[slot] = s.comm;
    this.#id[slot] = c.id;
    return c.id;
  }
}
