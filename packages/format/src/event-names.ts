/**
 * Event names: from EVENT_DESC (by attr index, then by id), or, when a file carries none,
 * perf's own spelling for the generic software/hardware events.
 */
import type { EventAttr } from "./attr.ts";
import { cString, viewOf } from "./bytes.ts";
import { AttrType } from "./constants.ts";
import type { EventIndex } from "./evlist.ts";

const SOFTWARE = [
  "cpu-clock",
  "task-clock",
  "page-faults",
  "context-switches",
  "cpu-migrations",
  "minor-faults",
  "major-faults",
  "alignment-faults",
  "emulation-faults",
  "dummy",
  "bpf-output",
  "cgroup-switches",
];
const HARDWARE = [
  "cycles",
  "instructions",
  "cache-references",
  "cache-misses",
  "branches",
  "branch-misses",
  "bus-cycles",
  "stalled-cycles-frontend",
  "stalled-cycles-backend",
  "ref-cycles",
];

/** perf's name for an attr without a recorded name (`cpu-clock`, `cycles`, `raw 0x…`). */
export function fallbackEventName(attr: EventAttr): string {
  const c = Number(attr.config & 0xffffffffn);
  if (attr.type === AttrType.SOFTWARE && SOFTWARE[c]) return SOFTWARE[c];
  if (attr.type === AttrType.HARDWARE && HARDWARE[c]) return HARDWARE[c];
  if (attr.type === AttrType.RAW) return `raw 0x${attr.config.toString(16)}`;
  if (attr.type === AttrType.TRACEPOINT) return `tracepoint ${attr.config}`;
  return `unknown attr type: ${attr.type}`;
}

/**
 * Applies the names of an EVENT_DESC payload (`u32 nr; u32 attr_size;` then per event the attr,
 * `u32 nr_ids`, a string, the ids) to the events, by index. Stops quietly at the first
 * inconsistency: names are a convenience, the events stay usable without them.
 */
export function applyEventDescNames(payload: Uint8Array, littleEndian: boolean, index: EventIndex): void {
  const v = viewOf(payload);
  if (payload.length < 8) return;
  const nr = v.getUint32(0, littleEndian);
  const attrSize = v.getUint32(4, littleEndian);
  let at = 8;
  for (let i = 0; i < nr; i++) {
    if (at + attrSize + 8 > payload.length) return;
    at += attrSize;
    const nrIds = v.getUint32(at, littleEndian);
    const len = v.getUint32(at + 4, littleEndian);
    at += 8;
    if (at + len + nrIds * 8 > payload.length) return;
    const name = cString(payload, at, at + len);
    at += len;
    const ids: bigint[] = [];
    for (let j = 0; j < nrIds; j++) ids.push(v.getBigUint64(at + 8 * j, littleEndian));
    at += nrIds * 8;
    const e = index.events[i];
    if (e) {
      e.name ??= name;
      index.addIds(i, ids);
    }
  }
}
