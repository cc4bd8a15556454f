/**
 * perfkit export-sqlite against perf: perf's own export-to-sqlite.py (run through `perf
 * script -s` on the same fixture, when PySide2's QtSql is installed) gives the expected
 * database table by table; `perf script` gives the expected samples for SQL queries over
 * samples_view; plus the command's error paths.
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerfData, Session } from "@perfkit/session";
import { exportToSqlite } from "../packages/cli/src/export/index.ts";
import { FIXTURES, perf, perfkit, run } from "./helpers/perf.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-export-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PERF_SCRIPT = "/usr/lib/perf-core/scripts/python/export-to-sqlite.py";
const hasPySide =
  existsSync(PERF_SCRIPT) &&
  run(["/usr/bin/python3", "-c", "from PySide2.QtSql import QSqlDatabase as D; assert 'QSQLITE' in D.drivers()"])
    .code === 0;
if (!hasPySide) console.warn("export-sqlite: PySide2 QtSql missing, perf's export-to-sqlite.py oracle tests skipped");

/** perf 6.1's script crashes with `callchains` alone (it writes the calls row 0 unconditionally): run a patched copy. */
function perfScriptCopy(): string {
  const p = join(dir, "export-to-sqlite.py");
  if (!existsSync(p))
    writeFileSync(
      p,
      readFileSync(PERF_SCRIPT, "utf8").replace(
        "\t\tcall_return_table(0, 0,",
        "\t\tif perf_db_export_calls: call_return_table(0, 0,",
      ),
    );
  return p;
}

function perfDb(fixture: string, args: string[]): string {
  const out = join(dir, `perf-${fixture}-${args.join("-") || "all"}.db`);
  const r = perf(["script", "-s", perfScriptCopy(), "-i", join(FIXTURES, `${fixture}.data`), "--", out, ...args]);
  if (!existsSync(out)) throw new Error(`perf's exporter failed on ${fixture}: ${r.stderr}`);
  return out;
}

function ourDb(fixture: string, options: { branches?: boolean; callchains?: boolean }): string {
  const out = join(dir, `ours-${fixture}-${options.branches ? "b" : ""}${options.callchains ? "c" : ""}.db`);
  if (existsSync(out)) return out;
  using data = new PerfData({ path: join(FIXTURES, `${fixture}.data`) });
  using session = new Session(data);
  exportToSqlite(session, out, options);
  return out;
}

type Row = Record<string, unknown>;
function all(path: string, sql: string): Row[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.query(sql).all() as Row[];
  } finally {
    db.close();
  }
}
function tableNames(path: string): string[] {
  return all(path, "SELECT type || ' ' || name AS n FROM sqlite_master ORDER BY name").map((r) => String(r.n));
}
function columns(path: string, table: string): string[] {
  return all(path, `PRAGMA table_info(${table})`).map((r) => `${r.name} ${r.type} ${r.pk}`);
}

const TABLES = [
  "selected_events",
  "machines",
  "threads",
  "comms",
  "comm_threads",
  "dsos",
  "branch_types",
  "samples",
  "call_paths",
  "context_switches",
];

describe.skipIf(!hasPySide)("export-sqlite vs perf's export-to-sqlite.py", () => {
  const cases: [string, string[], { branches?: boolean; callchains?: boolean }][] = [
    ["fp", ["all", "callchains"], { callchains: true }],
    ["multi", ["branches"], { branches: true }],
    ["switch", ["all", "callchains"], { callchains: true }],
    ["sys", [], {}],
    ["pipe", ["all", "callchains"], { callchains: true }],
    ["zstd", [], {}],
    ["tp", [], {}],
  ];
  for (const [fixture, args, options] of cases)
    test(`${fixture} ${args.join(" ")}: same tables, columns and rows`, () => {
      const want = perfDb(fixture, args);
      const got = ourDb(fixture, options);
      expect(tableNames(got)).toEqual(tableNames(want));
      for (const t of tableNames(want)
        .filter((n) => n.startsWith("table "))
        .map((n) => n.slice(6)))
        expect(columns(got, t)).toEqual(columns(want, t));
      for (const t of TABLES) {
        if (!tableNames(want).includes(`table ${t}`)) continue;
        expect({ t, rows: all(got, `SELECT * FROM ${t} ORDER BY id`) }).toEqual({
          t,
          rows: all(want, `SELECT * FROM ${t} ORDER BY id`),
        });
      }
      const sym = "SELECT id, dso_id, sym_start, sym_end, binding, name FROM symbols ORDER BY id";
      expect(all(got, sym)).toEqual(all(want, sym));
      expect(all(got, "SELECT * FROM samples_view ORDER BY id")).toEqual(
        all(want, "SELECT * FROM samples_view ORDER BY id"),
      );
      if (options.callchains)
        expect(all(got, "SELECT * FROM call_paths_view ORDER BY id")).toEqual(
          all(want, "SELECT * FROM call_paths_view ORDER BY id"),
        );
    });
});

/** `perf script` samples: comm, pid, tid, time (ns), event, ip, symbol, dso basename. */
function perfScriptSamples(fixture: string): string[][] {
  const r = perf([
    "script",
    "-G",
    "--ns",
    "-F",
    "comm,pid,tid,time,event,ip,sym,dso",
    "-i",
    join(FIXTURES, `${fixture}.data`),
  ]);
  expect(r.code).toBe(0);
  const out: string[][] = [];
  for (const line of r.stdout.split("\n")) {
    const m = /^\s*(.*?)\s+(-?\d+)\/(-?\d+)\s+(\d+)\.(\d+):\s+(?:\d+\s+)?(\S+):\s+([0-9a-f]+)\s+(.*)\s+\((.*)\)$/.exec(
      line,
    );
    if (!m) continue;
    const dso = m[9] === "[unknown]" ? "unknown" : m[9]!.slice(m[9]!.lastIndexOf("/") + 1);
    const sym = m[8] === "[unknown]" ? "unknown" : m[8]!;
    out.push([m[1]!, m[2]!, m[3]!, `${BigInt(m[4]!) * 1_000_000_000n + BigInt(m[5]!)}`, m[6]!, m[7]!, sym, dso]);
  }
  return out;
}

describe("export-sqlite: samples_view agrees with perf script", () => {
  for (const fixture of ["plain", "fp", "multi", "sys"])
    test(fixture, () => {
      const db = ourDb(fixture, {});
      const want = perfScriptSamples(fixture);
      const got = all(
        db,
        "SELECT command, pid, tid, time, event, ip_hex, symbol, dso_short_name FROM samples_view WHERE id > 0 ORDER BY id",
      ).map((r) => Object.values(r).map(String));
      expect(got.length).toBeGreaterThan(0);
      // perf's comm column is the thread's comm now; the table's is the process's exec comm: compare it per pid.
      expect(got.map((r) => r.slice(1))).toEqual(want.map((r) => r.slice(1)));
      // Aggregates: samples per event, per dso, per symbol.
      const count = (rows: string[][], i: number): Record<string, number> => {
        const c: Record<string, number> = {};
        for (const r of rows) c[r[i]!] = (c[r[i]!] ?? 0) + 1;
        return c;
      };
      const grouped = (col: string): Record<string, number> =>
        Object.fromEntries(
          all(db, `SELECT ${col} AS k, count(*) AS n FROM samples_view WHERE id > 0 GROUP BY ${col}`).map((r) => [
            String(r.k),
            Number(r.n),
          ]),
        );
      expect(grouped("event")).toEqual(count(want, 4));
      expect(grouped("dso_short_name")).toEqual(count(want, 7));
      expect(grouped("symbol")).toEqual(count(want, 6));
      // Row counts equal the recording's samples, threads and dsos.
      expect(Number(all(db, "SELECT count(*) AS n FROM samples WHERE id > 0")[0]!.n)).toBe(want.length);
      expect(Number(all(db, "SELECT count(*) AS n FROM threads WHERE id > 0")[0]!.n)).toBe(
        new Set(want.map((r) => r[2])).size,
      );
      expect(Number(all(db, "SELECT count(*) AS n FROM dsos WHERE id > 0")[0]!.n)).toBe(
        new Set(want.map((r) => r[7]).filter((d) => d !== "unknown")).size,
      );
    });
});

describe("export-sqlite command", () => {
  test("writes -o, refuses to overwrite, one-line errors, no partial database", () => {
    const out = join(dir, "cli.db");
    const r = perfkit(["export-sqlite", "-i", join(FIXTURES, "fp.data"), "-o", out, "--callchains"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("347 samples");
    expect(Number(all(out, "SELECT count(*) AS n FROM call_paths")[0]!.n)).toBeGreaterThan(1);
    const size = readFileSync(out).length;
    const again = perfkit(["export-sqlite", "-i", join(FIXTURES, "fp.data"), "-o", out]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split("\n")).toEqual([`perfkit export-sqlite: ${out} already exists`]);
    expect(readFileSync(out).length).toBe(size);

    const bad = join(dir, "bad.data");
    writeFileSync(bad, "PERFILE2 this is not a recording");
    const badOut = join(dir, "bad.db");
    const b = perfkit(["export-sqlite", "-i", bad, "-o", badOut]);
    expect(b.code).toBe(1);
    expect(b.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(badOut)).toBe(false);

    const missing = perfkit(["export-sqlite", "-i", join(dir, "nope.data"), "-o", join(dir, "nope.db")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(dir, "nope.db"))).toBe(false);
  });

  test("a truncated recording deletes the partial database", () => {
    const whole = readFileSync(join(FIXTURES, "fp.data"));
    const cut = join(dir, "cut.data");
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const out = join(dir, "cut.db");
    const r = perfkit(["export-sqlite", "-i", cut, "-o", out]);
    if (r.code !== 0) {
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    } else expect(existsSync(out)).toBe(true);
  });

  test("argument checks", () => {
    using data = new PerfData({ path: join(FIXTURES, "plain.data") });
    using session = new Session(data);
    expect(() => exportToSqlite(session, "" as string)).toThrow(TypeError);
    expect(() => exportToSqlite(null as unknown as Session, join(dir, "x.db"))).toThrow(TypeError);
    expect(existsSync(join(dir, "x.db"))).toBe(false);
  });
});
