/**
 * pprof's profile.proto (gzipped), built with pprof-format: one location per sampled address
 * (with its mapping: range, file offset, path, build id), one function per (symbol, dso),
 * samples aggregated per thread, event and stack with labels pid/tid/comm/event. Values are a
 * sample count plus one column per event (its periods), so several events share one profile.
 */
import { gzipSync } from "node:zlib";
import type { MapEntry } from "@perfkit/session";
import {
  Label,
  Line,
  Location,
  Mapping,
  Function as PFunction,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from "pprof-format";
import type { FrameTable } from "../profiles/_frames.ts";
import { StackTrie } from "../profiles/_trie.ts";
import type { WalkedSample } from "../profiles/_walk.ts";

/** An event's value column: pprof's type and unit names. */
export interface EventColumn {
  event: string;
  type: string;
  unit: string;
}

/** Per (thread, event) aggregation: a trie over frame ids with counts and period sums per node. */
interface Group {
  pid: number;
  tid: number;
  comm: string;
  column: number;
  trie: StackTrie;
  periods: number[];
}

/** The value column of an event: cpu-clock and task-clock periods are nanoseconds of cpu time. */
export function columnOf(event: string, attrType: number, config: bigint): EventColumn {
  if (attrType === 1 && (config === 0n || config === 1n)) return { event, type: "cpu", unit: "nanoseconds" };
  return { event, type: event, unit: "count" };
}

/** Collects walked samples and encodes the profile. */
export class PprofBuilder {
  readonly columns: EventColumn[] = [];
  readonly #frames: FrameTable;
  readonly #groups: Group[] = [];
  readonly #groupOf = new Map<string, Group>();
  /** First and last sample times in the walk's clock (NaN: none), and that clock's base. */
  #first = Number.NaN;
  #last = Number.NaN;
  #base = 0n;

  constructor(frames: FrameTable) {
    if (typeof frames !== "object" || frames === null) throw new TypeError("frames must be a FrameTable");
    this.#frames = frames;
  }

  /** Adds one sample. */
  add(s: WalkedSample): void {
    let column = this.columns.findIndex((c) => c.event === s.evsel.name);
    if (column < 0) {
      column = this.columns.length;
      this.columns.push(columnOf(s.evsel.name, s.evsel.attr.type, s.evsel.attr.config));
    }
    const key = `${s.pid}/${s.tid}/${column}/${s.comm}`;
    let g = this.#groupOf.get(key);
    if (!g) {
      g = { pid: s.pid, tid: s.tid, comm: s.comm, column, trie: new StackTrie(), periods: [0] };
      this.#groupOf.set(key, g);
      this.#groups.push(g);
    }
    // The trie runs leaf first here: pprof lists a sample's locations leaf first.
    let node = 0;
    for (let i = 0; i < s.depth; i++) {
      const before = g.trie.size;
      node = g.trie.child(node, s.frames[i]!);
      if (node === before) g.periods.push(0);
    }
    g.trie.self[node]!++;
    g.periods[node]! += s.period;
    if (!Number.isNaN(s.time)) {
      if (Number.isNaN(this.#first)) {
        this.#first = s.time;
        this.#base = s.timeBase ?? 0n;
      }
      this.#last = s.time;
    }
  }

  /** The profile as pprof-format objects. */
  toProfile(): Profile {
    const strings = new StringTable();
    const str = (s: string) => strings.dedup(s);
    const fr = this.#frames;
    const mappings: Mapping[] = [];
    const mappingOf = new Map<MapEntry, number>();
    const functions: PFunction[] = [];
    const functionOf = new Map<string, number>();
    const locations: Location[] = [];
    const locationOf = new Map<number, number>();
    const location = (frame: number): number => {
      let id = locationOf.get(frame);
      if (id !== undefined) return id;
      const map = fr.map[frame];
      let mappingId = 0;
      if (map) {
        let m = mappingOf.get(map);
        if (m === undefined) {
          m = mappings.length + 1;
          mappings.push(
            new Mapping({
              id: m,
              memoryStart: map.start,
              memoryLimit: map.end,
              fileOffset: map.pgoff,
              filename: str(map.dso.longName),
              buildId: str(map.dso.buildId ?? ""),
              hasFunctions: true,
            }),
          );
          mappingOf.set(map, m);
        }
        mappingId = m;
      }
      const name = fr.symbolOf(frame) ?? "[unknown]";
      const file = map?.dso.longName ?? "[unknown]";
      const fkey = `${name}\0${file}`;
      let f = functionOf.get(fkey);
      if (f === undefined) {
        f = functions.length + 1;
        functions.push(new PFunction({ id: f, name: str(name), systemName: str(name), filename: str(file) }));
        functionOf.set(fkey, f);
      }
      id = locations.length + 1;
      locations.push(new Location({ id, mappingId, address: fr.ip[frame]!, line: [new Line({ functionId: f })] }));
      locationOf.set(frame, id);
      return id;
    };
    const sampleType = [
      new ValueType({ type: str("samples"), unit: str("count") }),
      ...this.columns.map((c) => new ValueType({ type: str(c.type), unit: str(c.unit) })),
    ];
    const keys = { pid: str("pid"), tid: str("tid"), comm: str("comm"), event: str("event") };
    const samples: Sample[] = [];
    for (const g of this.#groups) {
      const labels = [
        new Label({ key: keys.pid, num: g.pid }),
        new Label({ key: keys.tid, num: g.tid }),
        new Label({ key: keys.comm, str: str(g.comm) }),
        new Label({ key: keys.event, str: str(this.columns[g.column]!.event) }),
      ];
      const t = g.trie;
      for (let n = 0; n < t.size; n++) {
        const count = t.self[n]!;
        if (count === 0) continue;
        const ids: number[] = [];
        for (let p = n; p > 0; p = t.parent[p]!) ids.push(location(t.name[p]!));
        // Built leaf first, walked back from the leaf node: reverse to leaf-first order.
        ids.reverse();
        const value = new Array<number>(sampleType.length).fill(0);
        value[0] = count;
        value[1 + g.column] = g.periods[n]!;
        samples.push(new Sample({ locationId: ids, value, label: labels }));
      }
    }
    const first = this.columns[0];
    return new Profile({
      sampleType,
      sample: samples,
      mapping: mappings,
      location: locations,
      function: functions,
      stringTable: strings,
      timeNanos: Number.isNaN(this.#first) ? 0n : this.#base + BigInt(this.#first),
      durationNanos: this.#last > this.#first ? BigInt(this.#last - this.#first) : 0n,
      periodType: first ? new ValueType({ type: str(first.type), unit: str(first.unit) }) : undefined,
      period: 0,
      defaultSampleType: first ? str(first.type) : 0,
    });
  }

  /** The gzipped profile.proto bytes. */
  encode(): Uint8Array {
    return gzipSync(this.toProfile().encode());
  }
}
