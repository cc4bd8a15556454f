/** Growing typed-array columns: the shared step of the session's column tables. */

/** Typed arrays a column table keeps. */
export type Column = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** `to` (a bigger array of the same kind) holding `from`'s elements at the front. */
export function grownInto<T extends Column>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
