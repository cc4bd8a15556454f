/** Typed errors for damaged or unsupported debug information. */

/** What kind of problem a {@link DwarfError} reports. */
export type DwarfErrorKind = "truncated" | "bad-offset" | "bad-value" | "unsupported" | "cycle" | "limit";

/**
 * One binary's debug information is unusable (or one of its tables is). It names the
 * section and the byte offset so the damage can be found; callers drop that binary only.
 */
export class DwarfError extends Error {
  override readonly name = "DwarfError";
  constructor(
    readonly kind: DwarfErrorKind,
    message: string,
    /** Section the error is about (`.eh_frame`, `.debug_info`, …). */
    readonly section: string,
    /** Byte offset inside the section, or -1 when unknown. */
    readonly offset = -1,
  ) {
    super(`${section}: ${message}${offset >= 0 ? ` (offset 0x${offset.toString(16)})` : ""}`);
  }
}
