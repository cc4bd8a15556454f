/** Where perf.data bytes come from: seekable (file, memory) or sequential (pipe). */

/** A seekable byte source: a file or bytes in memory. */
export interface RandomAccessSource {
  readonly kind: "file" | "memory";
  /** Total length in bytes. */
  readonly size: number;
  /**
   * Reads up to `length` bytes at `offset`; shorter only at end of source. `reuse` is an
   * earlier result the caller no longer references: the source may overwrite and return it.
   */
  read(offset: number, length: number, reuse?: Uint8Array): Uint8Array;
  close(): void;
}

/** A sequential byte source: a pipe, stdin, or a file read front to back. */
export interface SequentialSource {
  readonly kind: "pipe";
  /** Reads at most `max` bytes; returns null at end of stream. Blocks until some bytes arrive. */
  read(max: number): Uint8Array | null;
  close(): void;
}

export type ByteSource = RandomAccessSource | SequentialSource;
