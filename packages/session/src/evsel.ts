/** `Evsel` and `EvList`: the recording's events as refcounted objects (perf's evsel/evlist). */
import { ATTR_FIELDS, ATTR_FLAG_BITS, type EventAttr, type EventEntry } from "@perfkit/format";
import { RefCounted } from "./refcount.ts";

const FIELD_KIND: Record<string, "number" | "bigint" | "boolean"> = {};
for (const [k, [, , kind]] of Object.entries(ATTR_FIELDS)) FIELD_KIND[k] = kind === "big" ? "bigint" : "number";
for (const [k, [, width]] of Object.entries(ATTR_FLAG_BITS)) FIELD_KIND[k] = width === 1 ? "boolean" : "number";
// These bit sets fit in a double and are decoded as numbers.
FIELD_KIND.sampleType = "number";
FIELD_KIND.readFormat = "number";
FIELD_KIND.branchSampleType = "number";

/** An attr whose setters reject values of the wrong type or unknown field names with a TypeError. */
function checkedAttr(attr: EventAttr): EventAttr {
  const copy = { ...attr };
  return new Proxy(copy, {
    set(target, key, value) {
      const k = String(key);
      const want = FIELD_KIND[k];
      if (!want) throw new TypeError(`attr.${k} is not a perf_event_attr field`);
      if (typeof value !== want) throw new TypeError(`attr.${k} must be a ${want}, got ${typeof value}`);
      if (want === "number" && !Number.isInteger(value)) throw new TypeError(`attr.${k} must be an integer`);
      (target as unknown as Record<string, unknown>)[k] = value;
      return true;
    },
    deleteProperty(_t, key) {
      throw new TypeError(`attr.${String(key)} cannot be deleted`);
    },
  });
}

/** One event of the recording: its name, attr (typed, checked setters) and kernel ids. */
export class Evsel extends RefCounted {
  /** The attr; assigning a field checks its type. */
  readonly attr: EventAttr;
  /** The kernel ids of the event's instances. */
  readonly ids: readonly bigint[];
  /** Position in the event list. */
  readonly index: number;
  #name: string;

  /** @internal Built by the session from the file's event entry. */
  constructor(entry: EventEntry, name: string) {
    super();
    this.attr = checkedAttr(entry.attr);
    this.ids = Object.freeze(entry.ids.slice());
    this.index = entry.index;
    this.#name = name;
  }

  /** The event name (`cpu-clock`, `sched:sched_switch`, …). */
  get name(): string {
    return this.#name;
  }
  set name(v: string) {
    if (typeof v !== "string") throw new TypeError(`name must be a string, got ${typeof v}`);
    this.#name = v;
  }

  /** attr.type. */
  get type(): number {
    return this.attr.type;
  }
  /** attr.config. */
  get config(): bigint {
    return this.attr.config;
  }
  /** attr.sample_type. */
  get sampleType(): number {
    return this.attr.sampleType;
  }
  /** attr.sample_period (sample_freq when freq is set). */
  get samplePeriod(): bigint {
    return this.attr.samplePeriod;
  }
  set samplePeriod(v: bigint) {
    this.attr.samplePeriod = v;
  }

  override toString(): string {
    return `evsel(${this.#name})`;
  }
}

/** The recording's events in attr order; holds one reference on each. */
export class EvList extends RefCounted implements Iterable<Evsel> {
  readonly #items: Evsel[] = [];

  /** Number of events. */
  get length(): number {
    return this.#items.length;
  }

  /** The i-th event (negative counts from the end); RangeError when out of range. */
  at(i: number): Evsel {
    if (!Number.isInteger(i)) throw new TypeError(`i must be an integer, got ${typeof i}`);
    const j = i < 0 ? this.#items.length + i : i;
    const e = this.#items[j];
    if (!e) throw new RangeError(`index ${i} out of range for ${this.#items.length} events`);
    return e;
  }

  /** @internal Adds an event (the list takes over the creator's reference). */
  add(e: Evsel): void {
    this.#items.push(e);
  }

  *[Symbol.iterator](): Iterator<Evsel> {
    yield* this.#items;
  }

  protected override freed(): void {
    for (const e of this.#items) e.release();
  }
}
