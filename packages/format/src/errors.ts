/** What kind of damage a {@link PerfDataError} reports. */
export type PerfDataErrorKind =
  | "bad-magic"
  | "bad-header"
  | "truncated"
  | "bad-record"
  | "bad-sample"
  | "bad-feature"
  | "bad-compression"
  | "unsupported"
  | "io";

/**
 * The one error type the decoder throws for bad input. It names the byte offset in the
 * file (or pipe stream) and, for records, the index of the record in stream order, so a
 * user can find the damage with `perf report -D` or a hex dump.
 */
export class PerfDataError extends Error {
  override readonly name = "PerfDataError";
  constructor(
    readonly kind: PerfDataErrorKind,
    message: string,
    /** Absolute byte offset where the problem was found, or -1 when unknown. */
    readonly offset: number,
    /** Index of the record in stream order, or -1 when not inside a record. */
    readonly recordIndex = -1,
    /** Record type number when known, else -1. */
    readonly recordType = -1,
  ) {
    super(
      `${message} (offset 0x${offset >= 0 ? offset.toString(16) : "?"}${recordIndex >= 0 ? `, record #${recordIndex}` : ""}${recordType >= 0 ? `, type ${recordType}` : ""})`,
    );
  }
}

/** Throws a TypeError naming the argument when `ok` is false. */
export function checkArg(ok: boolean, name: string, expected: string, got: unknown): asserts ok {
  if (!ok) throw new TypeError(`${name} must be ${expected}, got ${describe(got)}`);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Uint8Array) return "a Uint8Array";
  return typeof v;
}
