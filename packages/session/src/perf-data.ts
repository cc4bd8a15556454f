/** `PerfData`: an open recording (perf python's `perf.data`), disposable. */
import { fstatSync } from "node:fs";
import { openPerfData, PerfDataError, type PerfDataFile } from "@perfkit/format";

/** Options of {@link PerfData}. */
export interface PerfDataOptions {
  /** File path; default `perf.data`; `"-"` reads a pipe-mode stream from stdin. */
  path?: string;
  /** A pipe (or socket) file descriptor carrying a pipe-mode stream; then `path` must be absent or `"-"`. */
  fd?: number;
}

/** An open perf.data file or stream. Close it, or declare it with `using`. */
export class PerfData {
  /** The path read (`"-"` for stdin or an fd). */
  readonly path: string;
  /** The underlying decoder (header, attrs, features, records). */
  readonly file: PerfDataFile;
  #closed = false;

  constructor(options: PerfDataOptions = {}) {
    if (typeof options !== "object" || options === null)
      throw new TypeError(`options must be an object, got ${options === null ? "null" : typeof options}`);
    const { path, fd } = options;
    if (path !== undefined && (typeof path !== "string" || path === ""))
      throw new TypeError(`path must be a non-empty string, got ${typeof path}`);
    if (fd !== undefined) {
      if (!Number.isInteger(fd) || fd < 0) throw new TypeError(`fd must be a non-negative integer, got ${String(fd)}`);
      if (path !== undefined && path !== "-") throw new TypeError(`path must be absent or "-" with fd, got ${path}`);
      let st: ReturnType<typeof fstatSync>;
      try {
        st = fstatSync(fd);
      } catch (e) {
        throw new Error(`cannot use fd ${fd}: ${(e as Error).message}`);
      }
      if (!st.isFIFO() && !st.isSocket()) throw new TypeError(`fd must be a pipe or socket, fd ${fd} is not`);
      this.path = "-";
      this.file = openPerfData({ fd });
      return;
    }
    this.path = path ?? "perf.data";
    try {
      this.file = openPerfData(this.path);
    } catch (e) {
      const msg = (e as Error).message;
      if (msg.includes(this.path)) throw e;
      // Damage stays a typed PerfDataError (kind, offset, record), now naming the file.
      if (e instanceof PerfDataError) {
        const bare = msg.replace(/ \(offset [^)]*\)$/, "");
        const named = new PerfDataError(
          e.kind,
          `cannot open ${this.path}: ${bare}`,
          e.offset,
          e.recordIndex,
          e.recordType,
        );
        named.cause = e;
        throw named;
      }
      throw new Error(`cannot open ${this.path}: ${msg}`, { cause: e });
    }
  }

  /** True for the streamed (pipe) format. */
  get isPipe(): boolean {
    return this.file.mode === "pipe";
  }

  /** Releases the file descriptor. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.file.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
