/**
 * EVENT_DESC: `u32 nr_events; u32 attr_size;` then per event `attr[attr_size]; u32 nr_ids;
 * string name; u64 ids[nr_ids]`. The section carries its own attr size, which may differ
 * from the file header's.
 */
import { decodeAttr } from "../attr.ts";
import { PerfDataError } from "../errors.ts";
import type { FeatureReader } from "./reader.ts";
import type { EventDescEntry, EventDescFeature } from "./types.ts";

/** Decodes EVENT_DESC. */
export function decodeEventDesc(r: FeatureReader): EventDescFeature {
  const nr = r.u32("nr_events");
  const attrSize = r.u32("attr_size");
  if (attrSize < 8) r.fail(`attr_size ${attrSize} is too small`);
  // attr + u32 nr_ids + u32 name length at the very least
  r.needEntries(nr, attrSize + 8, "events");
  const view = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
  const events: EventDescEntry[] = [];
  for (let i = 0; i < nr; i++) {
    const at = r.pos;
    r.need(attrSize, `event ${i} attr`);
    let attr: EventDescEntry["attr"];
    try {
      attr = decodeAttr(view, at, attrSize, r.littleEndian);
    } catch (e) {
      if (e instanceof PerfDataError) r.fail(`event ${i}: ${e.message}`, at);
      throw e;
    }
    r.pos += attrSize;
    const nrIds = r.u32(`event ${i} nr_ids`);
    const name = r.string(`event ${i} name`);
    r.needEntries(nrIds, 8, `event ${i} ids`);
    const ids: bigint[] = [];
    for (let j = 0; j < nrIds; j++) ids.push(r.u64("id"));
    events.push({ attr, name, ids });
  }
  return { feature: "EVENT_DESC", attrSize, events };
}
