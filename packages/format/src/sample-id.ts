/** The `sample_id_all` trailer of non-sample kernel records (§8.1). */
import type { SampleLayout } from "./sample/layout.ts";

/** Identity fields appended to side-band records; each present when the attr asks for it. */
export interface SampleId {
  pid?: number;
  tid?: number;
  time?: bigint;
  id?: bigint;
  streamId?: bigint;
  cpu?: number;
}

/** Decodes the trailer of the record at `pos` (size `size`), or {} when the attr has none. */
export function decodeSampleId(
  view: DataView,
  pos: number,
  size: number,
  layout: SampleLayout | undefined,
  le: boolean,
): SampleId {
  const out: SampleId = {};
  if (!layout || layout.trailerSize === 0 || layout.trailerSize > size - 8) return out;
  const end = pos + size;
  if (layout.trailerTid > 0) {
    out.pid = view.getInt32(end - layout.trailerTid, le);
    out.tid = view.getInt32(end - layout.trailerTid + 4, le);
  }
  if (layout.trailerTime > 0) out.time = view.getBigUint64(end - layout.trailerTime, le);
  if (layout.trailerIdentifier > 0) out.id = view.getBigUint64(end - layout.trailerIdentifier, le);
  else if (layout.trailerId > 0) out.id = view.getBigUint64(end - layout.trailerId, le);
  if (layout.trailerStreamId > 0) out.streamId = view.getBigUint64(end - layout.trailerStreamId, le);
  if (layout.trailerCpu > 0) out.cpu = view.getUint32(end - layout.trailerCpu, le);
  return out;
}

/** The trailer's TIME of a non-sample record, or undefined. Cheap: no object is built. */
export function trailerTime(
  view: DataView,
  pos: number,
  size: number,
  layout: SampleLayout | undefined,
  le: boolean,
): bigint | undefined {
  if (!layout || layout.trailerTime <= 0 || layout.trailerSize > size - 8) return undefined;
  return view.getBigUint64(pos + size - layout.trailerTime, le);
}
