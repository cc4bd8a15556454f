/**
 * What the header printer needs from an opened perf.data file. The lead's `PerfDataFile`
 * (from `openPerfData`) satisfies it structurally; tests can build one from raw bytes.
 */
import type { FeatureValue } from "@perfkit/format";

/** The subset of an opened perf.data file that `perf report --header-only` reads. */
export interface PerfDataFileLike {
  /** True for a pipe-mode stream (header of 16 bytes, features as HEADER_FEATURE records). */
  readonly isPipe: boolean;
  /** Byte order of the file; perf refuses BPF sections of a file whose order differs from the reader's. */
  readonly littleEndian?: boolean;
  /** File-mode header fields (ignored for pipe mode, where perf prints zeros). */
  readonly header?: {
    readonly data: { readonly offset: number; readonly size: number };
    /** Feature ids whose bit is set in the header bitmap, ascending. */
    readonly features: readonly number[];
  };
  /**
   * Decoded features. File mode: keyed by id (printed in bit order). Pipe mode: in stream
   * order, as HEADER_FEATURE records arrived.
   */
  readonly features: ReadonlyMap<number, FeatureValue>;
}
