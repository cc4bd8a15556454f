/**
 * Typed per-tracepoint callbacks (`session.on("sched:sched_switch", cb)`). The field types come
 * from {@link TracepointFieldMap}, which is empty here and filled by declaration merging from the
 * generated `@perfkit/stubs/tracepoints` (or a `perfkit stubs -o` file): the session package
 * carries no generated code and no runtime dependency on the stubs.
 */
import type { FieldValue } from "@perfkit/format";
import type { SampleEvent, TracepointFormat } from "./sample-event.ts";

/**
 * Field types of each tracepoint keyed by `"system:event"`. Empty until a generated stubs file
 * augments it (`declare module "@perfkit/session" { interface TracepointFieldMap … }`).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from @perfkit/stubs
export interface TracepointFieldMap {}

/** Names {@link Session.on} accepts: the map's keys, or any string while the map is empty. */
export type TracepointKey = [keyof TracepointFieldMap] extends [never] ? string : keyof TracepointFieldMap & string;

/** The fields of tracepoint `K` (untyped records while the map is empty). */
export type TracepointFieldsOf<K extends string> = K extends keyof TracepointFieldMap
  ? TracepointFieldMap[K]
  : Readonly<Record<string, FieldValue>>;

/** A tracepoint sample whose `fields` / `field()` are typed by the tracepoint's generated interface. */
export type TracepointEvent<F> = Omit<SampleEvent, "fields" | "field"> & {
  /** Every field, common ones first, decoded as typed in `F`. */
  readonly fields: F;
  /** One field by name. */
  field<N extends keyof F & string>(name: N): F[N];
};

/** A callback registered with {@link Session.on}. */
export type TracepointListener = (ev: SampleEvent) => void;

/** Callbacks by `"system:event"`, run in registration order. */
export class TracepointListeners {
  readonly #byName = new Map<string, TracepointListener[]>();

  /** Registers `cb` for tracepoint `name`; TypeError naming the bad argument. */
  add(name: string, cb: TracepointListener): void {
    if (typeof name !== "string" || !/^[^:\s]+:[^:\s]+$/.test(name))
      throw new TypeError(`name must be a "system:event" string, got ${typeof name === "string" ? name : typeof name}`);
    if (typeof cb !== "function") throw new TypeError(`cb must be a function, got ${typeof cb}`);
    const list = this.#byName.get(name);
    if (list) list.push(cb);
    else this.#byName.set(name, [cb]);
  }

  /** True when no callback is registered (the hot path skips building events then). */
  get empty(): boolean {
    return this.#byName.size === 0;
  }

  /** The callbacks of a tracepoint format (lets the hot path skip events nobody listens to), or undefined. */
  of(tp: TracepointFormat | undefined): readonly TracepointListener[] | undefined {
    return tp ? this.#byName.get(`${tp.format.system}:${tp.format.name}`) : undefined;
  }

  /** Runs the callbacks of a sample's tracepoint; only samples with a format and raw data are typed. */
  dispatch(ev: SampleEvent, list = this.of(ev.tracepoint)): void {
    if (!list || ev.rawBuf === null) return;
    for (const cb of list) cb(ev);
  }
}
