/**
 * PostgreSQL binary COPY encoding (the PGCOPY format perf's export-to-postgresql.py writes)
 * into a buffered temporary file, one per table.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { SqlValue } from "./db-export.ts";
import type { ColumnKind } from "./schema.ts";

const CHUNK = 1 << 20;
const TWO32 = 4294967296;
const utf8 = new TextEncoder();

/** Writes binary COPY tuples of one table to `path`. */
export class BinaryCopyFile {
  readonly #fd: number;
  readonly #buf = new Uint8Array(CHUNK);
  readonly #view = new DataView(this.#buf.buffer);
  #at = 0;
  rows = 0;

  constructor(
    readonly path: string,
    private readonly kinds: readonly ColumnKind[],
  ) {
    this.#fd = openSync(path, "w", 0o600);
    // Signature, flags, header extension length.
    this.#buf.set([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);
    this.#at = 19;
  }

  private room(n: number): void {
    if (this.#at + n > CHUNK) this.flush();
  }

  private flush(): void {
    if (this.#at) writeSync(this.#fd, this.#buf, 0, this.#at);
    this.#at = 0;
  }

  /** One tuple; values follow the table's column kinds. */
  add(row: readonly SqlValue[]): void {
    const kinds = this.kinds;
    const v = this.#view;
    this.room(2 + kinds.length * 12);
    v.setInt16(this.#at, kinds.length);
    this.#at += 2;
    for (let i = 0; i < kinds.length; i++) {
      const x = row[i]!;
      switch (kinds[i]) {
        case "i8":
          this.room(12);
          v.setInt32(this.#at, 8);
          if (typeof x === "bigint") v.setBigInt64(this.#at + 4, x);
          else {
            const n = Number(x);
            v.setInt32(this.#at + 4, Math.floor(n / TWO32));
            v.setUint32(this.#at + 8, n >>> 0);
          }
          this.#at += 12;
          break;
        case "i4":
          this.room(8);
          v.setInt32(this.#at, 4);
          v.setInt32(this.#at + 4, Number(x));
          this.#at += 8;
          break;
        case "bool":
          this.room(5);
          v.setInt32(this.#at, 1);
          this.#buf[this.#at + 4] = Number(x) ? 1 : 0;
          this.#at += 5;
          break;
        default: {
          // PostgreSQL text cannot hold NUL.
          const bytes = utf8.encode(String(x).replaceAll("\0", ""));
          this.room(4 + bytes.length);
          v.setInt32(this.#at, bytes.length);
          this.#at += 4;
          if (bytes.length > CHUNK - this.#at) {
            this.flush();
            writeSync(this.#fd, bytes);
          } else {
            this.#buf.set(bytes, this.#at);
            this.#at += bytes.length;
          }
        }
      }
    }
    this.rows++;
  }

  /** Writes the trailer and closes the file. */
  close(): void {
    this.room(2);
    this.#view.setInt16(this.#at, -1);
    this.#at += 2;
    this.flush();
    closeSync(this.#fd);
  }
}
