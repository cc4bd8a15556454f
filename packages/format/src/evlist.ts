/** The file's events (attrs with their ids and names) and the id → event mapping of §8.2. */
import type { EventAttr } from "./attr.ts";
import { SampleType } from "./constants.ts";
import { SampleLayout } from "./sample/layout.ts";

/** One event of the file: its attr, the kernel ids of its instances, and its name. */
export interface EventEntry {
  /** Position in the file's event list. */
  index: number;
  attr: EventAttr;
  ids: bigint[];
  /** Name from EVENT_DESC / EVENT_UPDATE, or undefined until known. */
  name: string | undefined;
  /** Precomputed sample field offsets for this attr. */
  layout: SampleLayout;
}

/** Index of the id within a SAMPLE's leading u64s, or -1 (perf's id_pos). */
export function idPos(sampleType: number): number {
  if (sampleType & SampleType.IDENTIFIER) return 0;
  if (!(sampleType & SampleType.ID)) return -1;
  let n = 0;
  for (const b of [SampleType.IP, SampleType.TID, SampleType.TIME, SampleType.ADDR]) if (sampleType & b) n++;
  return n;
}

/** Position of the id counted in u64s from the end of a non-sample record's trailer, or -1 (perf's is_pos). */
export function isPos(sampleType: number): number {
  if (sampleType & SampleType.IDENTIFIER) return 1;
  if (!(sampleType & SampleType.ID)) return -1;
  return 1 + (sampleType & SampleType.CPU ? 1 : 0) + (sampleType & SampleType.STREAM_ID ? 1 : 0);
}

/** The growing list of events and the lookup from record to event. */
export class EventIndex {
  readonly events: EventEntry[] = [];
  private readonly byId = new Map<bigint, number>();
  private idPosition = -1;
  private isPosition = -1;

  /** Adds an event (file attrs section, HEADER_ATTR record) and returns it. */
  add(attr: EventAttr, ids: bigint[], name?: string): EventEntry {
    const entry: EventEntry = { index: this.events.length, attr, ids, name, layout: new SampleLayout(attr) };
    this.events.push(entry);
    for (const id of ids) if (!this.byId.has(id)) this.byId.set(id, entry.index);
    const first = this.events[0].attr.sampleType;
    this.idPosition = idPos(first);
    this.isPosition = isPos(first);
    return entry;
  }

  /** Adds ids to an existing event (EVENT_DESC, ID_INDEX). */
  addIds(index: number, ids: Iterable<bigint>): void {
    const e = this.events[index];
    for (const id of ids) {
      if (!this.byId.has(id)) {
        this.byId.set(id, index);
        if (!e.ids.includes(id)) e.ids.push(id);
      }
    }
  }

  /** The event whose ids include `id`. */
  byEventId(id: bigint): EventEntry | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.events[i];
  }

  /**
   * The event a record belongs to, by perf's rules: one event → it; otherwise the id at
   * id_pos (samples) or is_pos (others); id 0 → the first event; unknown id → undefined.
   */
  eventOf(view: DataView, pos: number, size: number, isSample: boolean, littleEndian: boolean): EventEntry | undefined {
    const events = this.events;
    if (events.length <= 1) return events[0];
    const first = events[0].attr;
    if (!isSample && !first.sampleIdAll) return events[0];
    const n = (size - 8) >> 3;
    let at: number;
    if (isSample) {
      if (this.idPosition < 0 || this.idPosition >= n) return undefined;
      at = pos + 8 + 8 * this.idPosition;
    } else {
      if (this.isPosition < 0 || this.isPosition > n) return events[0];
      at = pos + 8 + 8 * (n - this.isPosition);
    }
    const id = view.getBigUint64(at, littleEndian);
    if (id === 0n) return events[0];
    const i = this.byId.get(id);
    return i === undefined ? undefined : events[i];
  }
}
