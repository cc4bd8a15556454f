/** What kind of damage an {@link ElfError} reports. */
export type ElfErrorKind = "io" | "bad-magic" | "bad-header" | "truncated" | "bad-table";

/**
 * The error the ELF reader throws for one unreadable or corrupt file. It names the file
 * and the byte offset, so one bad binary only loses that binary's symbols.
 */
export class ElfError extends Error {
  override readonly name = "ElfError";
  constructor(
    readonly kind: ElfErrorKind,
    message: string,
    /** File the error is about (or the name given to in-memory bytes). */
    readonly file: string,
    /** Byte offset in the file, or -1 when unknown. */
    readonly offset = -1,
  ) {
    super(`${file}: ${message}${offset >= 0 ? ` (offset 0x${offset.toString(16)})` : ""}`);
  }
}
