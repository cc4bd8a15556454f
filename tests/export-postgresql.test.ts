/**
 * perfkit export-postgresql against a real server (.ci/postgres.sh starts one on loopback and
 * exports PG*): perf's own export-to-postgresql.py on the same fixture (when PySide2's QPSQL
 * driver is installed) gives the expected tables; otherwise, and in addition, the PostgreSQL
 * tables must equal perfkit's SQLite export and `perf script`'s samples. Skipped, with a
 * message, only when no server answers.
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerfData, Session } from "@perfkit/session";
import { SQL } from "bun";
import { exportToPostgres, exportToSqlite, parsePostgresTarget } from "../packages/cli/src/export/index.ts";
import { FIXTURES, perf, perfkit, run } from "./helpers/perf.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-export-pg-"));
const tag = `${process.pid}_${Date.now() % 100000}`;
const created: string[] = [];

function server(database = "postgres"): SQL {
  const c = parsePostgresTarget("postgres").connection;
  return new SQL({ ...c, database, max: 1, connectionTimeout: 3, idleTimeout: 2 });
}

async function reachable(): Promise<boolean> {
  const s = server();
  try {
    await s`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await s.close();
  }
}

const up = await reachable();
if (!up) console.warn("export-postgresql: no PostgreSQL server reachable (PGHOST/PGPORT), tests skipped");
const PERF_SCRIPT = "/usr/lib/perf-core/scripts/python/export-to-postgresql.py";
const hasQpsql =
  up &&
  existsSync(PERF_SCRIPT) &&
  run(["/usr/bin/python3", "-c", "from PySide2.QtSql import QSqlDatabase as D; assert 'QPSQL' in D.drivers()"]).code ===
    0;
if (up && !hasQpsql)
  console.warn("export-postgresql: PySide2 QPSQL driver missing, perf's export-to-postgresql.py oracle skipped");

afterAll(async () => {
  if (up) {
    const s = server();
    for (const d of created) await s.unsafe(`DROP DATABASE IF EXISTS ${d}`);
    await s.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function rows(database: string, sql: string): Promise<unknown[][]> {
  const s = server(database);
  try {
    return (await s.unsafe(sql).values()) as unknown[][];
  } finally {
    await s.close();
  }
}

async function ours(fixture: string, callchains: boolean): Promise<string> {
  const name = `pk_ours_${fixture}_${callchains ? "c" : "n"}_${tag}`;
  created.push(name);
  using data = new PerfData({ path: join(FIXTURES, `${fixture}.data`) });
  using session = new Session(data);
  await exportToPostgres(session, parsePostgresTarget(name), { callchains });
  return name;
}

function perfDb(fixture: string, callchains: boolean): string {
  const name = `pk_perf_${fixture}_${callchains ? "c" : "n"}_${tag}`;
  created.push(name);
  // perf 6.1's script crashes on `callchains` alone (calls row 0 written unconditionally): run a patched copy.
  const script = join(dir, "export-to-postgresql.py");
  if (!existsSync(script))
    writeFileSync(
      script,
      readFileSync(PERF_SCRIPT, "utf8").replace(
        "\t\tcall_return_table(0, 0,",
        "\t\tif perf_db_export_calls: call_return_table(0, 0,",
      ),
    );
  const args = ["perf", "script", "-s", script, "-i", join(FIXTURES, `${fixture}.data`), "--", name, "all"];
  if (callchains) args.push("callchains");
  const p = Bun.spawnSync(args, { cwd: dir, env: process.env });
  if (p.exitCode !== 0) throw new Error(`perf's exporter failed: ${p.stderr.toString()}`);
  return name;
}

const TABLES = ["selected_events", "machines", "threads", "comms", "comm_threads", "dsos", "branch_types", "samples"];

describe.skipIf(!hasQpsql)("export-postgresql vs perf's export-to-postgresql.py", () => {
  for (const [fixture, callchains] of [
    ["fp", true],
    ["switch", false],
  ] as const)
    test(`${fixture}${callchains ? " callchains" : ""}`, async () => {
      const want = perfDb(fixture, callchains);
      const got = await ours(fixture, callchains);
      const layout =
        "SELECT table_name::text, column_name::text, data_type::text, ordinal_position::int FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 4";
      expect(await rows(got, layout)).toEqual(await rows(want, layout));
      const keys = "SELECT conname::text, conrelid::regclass::text FROM pg_constraint ORDER BY 2, 1";
      expect(await rows(got, keys)).toEqual(await rows(want, keys));
      const tables = [...TABLES, ...(callchains ? ["call_paths"] : [])];
      if (fixture === "switch") tables.push("context_switches");
      for (const t of tables)
        expect([t, await rows(got, `SELECT * FROM ${t} ORDER BY id`)]).toEqual([
          t,
          await rows(want, `SELECT * FROM ${t} ORDER BY id`),
        ]);
      // Binding is left out: the session's symbol tables do not keep STB_LOCAL/WEAK yet.
      const sym = "SELECT id, dso_id, sym_start, sym_end, name FROM symbols ORDER BY id";
      expect(await rows(got, sym)).toEqual(await rows(want, sym));
      const view = "SELECT * FROM samples_view ORDER BY id";
      expect(await rows(got, view)).toEqual(await rows(want, view));
    });
});

describe.skipIf(!up)("export-postgresql", () => {
  test("multi: same rows as the SQLite export; samples_view agrees with perf script", async () => {
    const got = await ours("multi", true);
    const lite = join(dir, "multi.db");
    {
      using data = new PerfData({ path: join(FIXTURES, "multi.data") });
      using session = new Session(data);
      exportToSqlite(session, lite, { callchains: true });
    }
    const db = new Database(lite, { readonly: true });
    try {
      for (const t of [...TABLES, "symbols", "call_paths"]) {
        const want = (db.query(`SELECT * FROM ${t} ORDER BY id`).values() as unknown[][]).map((r) => r.map(String));
        const have = (await rows(got, `SELECT * FROM ${t} ORDER BY id`)).map((r) =>
          r.map((v) => (typeof v === "boolean" ? (v ? "1" : "0") : String(v))),
        );
        expect([t, have]).toEqual([t, want]);
      }
    } finally {
      db.close();
    }
    const r = perf(["script", "-G", "--ns", "-F", "tid,time,event,ip", "-i", join(FIXTURES, "multi.data")]);
    const want = r.stdout
      .split("\n")
      .map((l) => /^\s*(\d+)\s+(\d+)\.(\d+):\s+(?:\d+\s+)?(\S+):\s+([0-9a-f]+)/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [Number(m[1]), `${BigInt(m[2]!) * 1_000_000_000n + BigInt(m[3]!)}`, m[4], m[5]]);
    const have = (await rows(got, "SELECT tid, time, event, ip_hex FROM samples_view WHERE id > 0 ORDER BY id")).map(
      (x) => [Number(x[0]), String(x[1]), x[2], x[3]],
    );
    expect(have.length).toBeGreaterThan(0);
    expect(have).toEqual(want);
  });

  test("command: -o DBNAME creates the database, refuses an existing one, one-line errors", () => {
    const name = `pk_cli_${tag}`;
    created.push(name);
    const r = perfkit(["export-postgresql", "-i", join(FIXTURES, "plain.data"), "-o", name]);
    expect(r.stderr).toContain("samples");
    expect(r.code).toBe(0);
    const again = perfkit(["export-postgresql", "-i", join(FIXTURES, "plain.data"), "-o", name]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split("\n")).toEqual([`perfkit export-postgresql: database "${name}" already exists`]);
    const bad = perfkit(["export-postgresql", "-i", join(FIXTURES, "plain.data"), "-o", "no-such;name"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    const missing = `pk_missing_${tag}`;
    created.push(missing);
    const m = perfkit(["export-postgresql", "-i", join(dir, "nope.data"), "-o", missing]);
    expect(m.code).toBe(1);
    expect(m.stderr.trim().split("\n")).toHaveLength(1);
  });
});

test("parsePostgresTarget", () => {
  const env = { PGHOST: "h", PGPORT: "5433", PGUSER: "u" };
  expect(parsePostgresTarget("perf", env)).toEqual({
    database: "perf",
    connection: { hostname: "h", port: 5433, username: "u", password: undefined },
  });
  expect(parsePostgresTarget("postgres://me:pw@db.example:6000/Perf_1", env)).toEqual({
    database: "perf_1",
    connection: { hostname: "db.example", port: 6000, username: "me", password: "pw" },
  });
  expect(() => parsePostgresTarget("a b", env)).toThrow("bad database name");
  expect(() => parsePostgresTarget("" as string)).toThrow(TypeError);
});
