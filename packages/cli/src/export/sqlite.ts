/**
 * `exportToSqlite`: the rows of {@link exportRows} in a new SQLite database laid out as perf's
 * export-to-sqlite.py makes it, through prepared statements in batched transactions.
 */
import { Database, type Statement } from "bun:sqlite";
import { existsSync, rmSync } from "node:fs";
import type { Session } from "@perfkit/session";
import { type DbExportCounts, type DbExportOptions, exportRows, type SqlValue } from "./db-export.ts";
import { columnName, createTableSql, type TableName, tables, viewsSql } from "./schema.ts";

/** Rows per transaction: large enough to amortise commits, small enough to bound the journal-less cache. */
const BATCH = 200_000;

/**
 * Exports `session` to a new SQLite database at `path`. Refuses to overwrite an existing
 * file (as perf's script does) and deletes the partial database when anything fails.
 */
export function exportToSqlite(session: Session, path: string, options: DbExportOptions = {}): DbExportCounts {
  if (typeof session !== "object" || session === null || typeof (session as Session).records !== "function")
    throw new TypeError("session must be a Session");
  if (typeof path !== "string" || path === "") throw new TypeError("path must be a non-empty string");
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  if (existsSync(path)) throw new Error(`${path} already exists`);
  const schema = { branches: options.branches === true, callchains: options.callchains === true };
  const db = new Database(path, { create: true, strict: false });
  let ok = false;
  try {
    // As perf: no journal; and no fsync, since a failed export is deleted anyway.
    db.run("PRAGMA journal_mode = OFF");
    db.run("PRAGMA synchronous = OFF");
    db.run("BEGIN TRANSACTION");
    const defs = tables(schema);
    for (const t of defs) db.run(createTableSql(t, "sqlite"));
    for (const v of viewsSql("sqlite", schema)) db.run(v.sql);
    db.run("COMMIT");

    const insert = new Map<TableName, Statement>();
    for (const t of defs)
      insert.set(
        t.name,
        db.prepare(
          `INSERT INTO ${t.name} (${t.columns.map((c) => columnName(c, "sqlite")).join(", ")}) VALUES (${t.columns.map(() => "?").join(", ")})`,
        ),
      );
    let pending = 0;
    let contextSwitches = 0;
    db.run("BEGIN TRANSACTION");
    const counts = exportRows(
      session,
      {
        add(table: TableName, row: readonly SqlValue[]): void {
          insert.get(table)!.run(...(row as SqlValue[]));
          if (table === "context_switches") contextSwitches++;
          if (++pending === BATCH) {
            pending = 0;
            db.run("COMMIT");
            db.run("BEGIN TRANSACTION");
          }
        },
      },
      options,
    );
    db.run("COMMIT");
    for (const s of insert.values()) s.finalize();
    // perf drops the context switch table and view when nothing was recorded.
    if (contextSwitches === 0) {
      db.run("DROP VIEW context_switches_view");
      db.run("DROP TABLE context_switches");
    }
    ok = true;
    return counts;
  } finally {
    db.close();
    if (!ok) for (const p of [path, `${path}-journal`, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
  }
}
