/**
 * `exportToPostgres`: the rows of {@link exportRows} in a new PostgreSQL database laid out as
 * perf's export-to-postgresql.py makes it: tables without keys, rows written to binary COPY
 * files first, each table bulk-loaded with `COPY … FROM STDIN (FORMAT binary)`, then primary
 * and foreign keys, and the unused context switch table dropped.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Session } from "@perfkit/session";
import { SQL } from "bun";
import { BinaryCopyFile } from "./_pg-binary.ts";
import { type DbExportCounts, type DbExportOptions, exportRows, type SqlValue } from "./db-export.ts";
import { createTableSql, foreignKeysSql, type TableName, tables, viewsSql } from "./schema.ts";

/** Where to connect: a database name (server from the PG* variables) or a postgres:// URL naming the database. */
export interface PostgresTarget {
  /** The database to create. */
  readonly database: string;
  /** Connection options for the server (database field ignored). */
  readonly connection: { hostname: string; port: number; username: string; password?: string };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Reads `-o`: a plain database name uses PGHOST/PGPORT/PGUSER/PGPASSWORD; a URL carries everything. */
export function parsePostgresTarget(
  target: string,
  env: Record<string, string | undefined> = process.env,
): PostgresTarget {
  if (typeof target !== "string" || target === "") throw new TypeError("target must be a non-empty string");
  let database = target;
  let hostname = env.PGHOST || "localhost";
  let port = Number(env.PGPORT || 5432);
  let username = env.PGUSER || env.USER || "postgres";
  let password = env.PGPASSWORD || undefined;
  if (/^postgres(ql)?:\/\//.test(target)) {
    const u = new URL(target);
    database = decodeURIComponent(u.pathname.replace(/^\//, ""));
    if (u.hostname) hostname = decodeURIComponent(u.hostname);
    if (u.port) port = Number(u.port);
    if (u.username) username = decodeURIComponent(u.username);
    if (u.password) password = decodeURIComponent(u.password);
  }
  // perf puts the name into CREATE DATABASE unquoted: keep to plain identifiers.
  if (!NAME.test(database)) throw new Error(`bad database name '${database}': use letters, digits and _`);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad PostgreSQL port '${port}'`);
  return { database: database.toLowerCase(), connection: { hostname, port, username, password } };
}

function connect(target: PostgresTarget, database: string): SQL {
  return new SQL({ ...target.connection, database, max: 1, idleTimeout: 5, connectionTimeout: 10 });
}

/**
 * Exports `session` into a new database `target.database` (created here; an existing one is
 * an error, as in perf). On failure the new database is dropped again.
 */
export async function exportToPostgres(
  session: Session,
  target: PostgresTarget,
  options: DbExportOptions = {},
): Promise<DbExportCounts> {
  if (typeof target !== "object" || target === null || typeof target.database !== "string")
    throw new TypeError("target must be a PostgresTarget (see parsePostgresTarget)");
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const schema = { branches: options.branches === true, callchains: options.callchains === true };
  const defs = tables(schema);
  const admin = connect(target, "postgres");
  try {
    await admin.unsafe(`CREATE DATABASE ${target.database}`);
  } finally {
    await admin.close();
  }
  const dir = mkdtempSync(join(tmpdir(), "perfkit-pg-"));
  let ok = false;
  try {
    const files = new Map<TableName, BinaryCopyFile>();
    for (const t of defs)
      files.set(
        t.name,
        new BinaryCopyFile(
          join(dir, `${t.name}.bin`),
          t.columns.map((c) => c.kind),
        ),
      );
    let counts: DbExportCounts;
    try {
      counts = exportRows(
        session,
        {
          add(table: TableName, row: readonly SqlValue[]): void {
            files.get(table)!.add(row);
          },
        },
        options,
      );
    } finally {
      for (const f of files.values()) f.close();
    }
    const db = connect(target, target.database);
    try {
      await db.unsafe("SET client_min_messages TO WARNING");
      for (const t of defs) await db.unsafe(createTableSql(t, "postgresql"));
      for (const v of viewsSql("postgresql", schema)) await db.unsafe(v.sql);
      for (const t of defs) {
        const w = db.unsafe(`COPY ${t.name} FROM STDIN (FORMAT binary)`).writable();
        await Bun.file(files.get(t.name)!.path).stream().pipeTo(w);
      }
      for (const t of defs) await db.unsafe(`ALTER TABLE ${t.name} ADD PRIMARY KEY (id)`);
      for (const s of foreignKeysSql(schema)) await db.unsafe(s);
      if (files.get("context_switches")!.rows === 0) {
        await db.unsafe("DROP VIEW context_switches_view");
        await db.unsafe("DROP TABLE context_switches");
      }
    } finally {
      await db.close();
    }
    ok = true;
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (!ok) {
      const again = connect(target, "postgres");
      try {
        await again.unsafe(`DROP DATABASE IF EXISTS ${target.database}`);
      } catch {
        // The original error matters more than a failed cleanup.
      } finally {
        await again.close();
      }
    }
  }
}
