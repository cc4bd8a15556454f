import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  configFiles,
  configGet,
  configGetBool,
  loadPerfConfig,
  parseConfig,
  parseConfigInt,
} from "../src/config/index.ts";
import { HAVE_PERF } from "./perf-oracle.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `perf config ARGS` with a clean config environment, returning stdout and stderr. */
function perfConfig(args: string[], env: Record<string, string>) {
  const base: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  const r = Bun.spawnSync(["perf", "config", ...args], { env: { ...base, ...env }, stderr: "pipe" });
  return { out: r.stdout.toString(), err: r.stderr.toString() };
}

const SAMPLES: Record<string, string> = {
  basic:
    '# comment\n[Report]\n\tSort-Order = callee ; trailing\n\tchildren = "quoted ; value # x"\n[colors]\n\ttop = red, default\n',
  sub: '[buildid "sub.Name"]\n\tDir = /tmp/x\n[Sec "Q\\"x"]\n k=1\n[x]k2=v2\n[y] k3 = 1 # c\n',
  escapes:
    '[annotate.sub]\n\tesc = a\\tb\\\\c\\"d\\nX\n\tsp =   two  words   \n\tcont = abc\\\ndef\n\tempty =\n\tq = "a"b" c "  d\n',
  override: "[a]\n\tb = 1\n\tc = 2\n[d]\n\te = 3\n[a]\n\tb = 4\n",
  broken: "[a]\n\tb = 1\n\tflag\n\tc = 2\n",
  badEscape: "[a]\n\tb = 1\n\tc = x\\qy\n",
  noSection: "k = v\n",
  crlf: "[a]\r\n\tb = 1\r\n",
  unterminated: '[a]\n\tb = 1\n\tc = "abc\n',
  continuedBadEscape: "[a]\n\tb = 1\n\tc = ab\\\n\\qd\n\td = 1\n",
  openSection: "[a\n",
  badKey: "[a]\n\tb = 1\n\t5x = 1\n",
};

test.skipIf(!HAVE_PERF)("perf config -l through $PERF_CONFIG matches on every sample", () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    const path = join(dir, `${name}.cfg`);
    writeFileSync(path, text);
    const perf = perfConfig(["-l"], { PERF_CONFIG: path });
    const mine = loadPerfConfig({ env: { PERF_CONFIG: path } });
    expect(`${name}:\n${mine.list()}`).toBe(`${name}:\n${perf.out}`);
    const perfErr = /bad config file line (\d+)/.exec(perf.err);
    expect(`${name}: ${mine.errors[0]?.line ?? "none"}`).toBe(`${name}: ${perfErr ? perfErr[1] : "none"}`);
  }
});

test.skipIf(!HAVE_PERF)("user file via $HOME, key queries and PERF_CONFIG=/dev/null", () => {
  const home = join(dir, "home");
  Bun.spawnSync(["mkdir", "-p", home]);
  writeFileSync(join(home, ".perfconfig"), SAMPLES.basic + SAMPLES.override);
  const env = { HOME: home };
  expect(loadPerfConfig({ env, systemPath: join(dir, "none") }).list()).toBe(perfConfig(["--user", "-l"], env).out);
  for (const key of ["report.sort-Order", "colors.top", "a.b", "a.c", "missing.key"]) {
    const perf = perfConfig([key], env).out;
    const v = configGet(key, { env, systemPath: join(dir, "none") });
    expect(v === null ? "" : `${key}=${v}\n`).toBe(perf);
  }
  expect(configGet("a.b", { env: { HOME: home, PERF_CONFIG: "/dev/null" } })).toBeNull();
  expect(perfConfig(["-l"], { HOME: home, PERF_CONFIG: "/dev/null" }).out).toBe("");
});

test("user overrides system; NOSYSTEM / NOGLOBAL; exclusive PERF_CONFIG", () => {
  const sys = join(dir, "system.cfg");
  const home = join(dir, "home2");
  Bun.spawnSync(["mkdir", "-p", home]);
  writeFileSync(sys, "[a]\n\tb = system\n\tonly = sys\n");
  writeFileSync(join(home, ".perfconfig"), "[a]\n\tb = user\n");
  const o = { env: { HOME: home }, systemPath: sys };
  expect(configGet("a.b", o)).toBe("user");
  expect(configGet("a.only", o)).toBe("sys");
  expect(
    loadPerfConfig(o)
      .entries()
      .map((e) => `${e.key}:${e.scope}`),
  ).toEqual(["a.b:user", "a.only:system"]);
  expect(configGet("a.b", { env: { HOME: home, PERF_CONFIG_NOGLOBAL: "1" }, systemPath: sys })).toBe("system");
  expect(configGet("a.only", { env: { HOME: home, PERF_CONFIG_NOSYSTEM: "yes" }, systemPath: sys })).toBeNull();
  expect(configGet("a.only", { env: { HOME: home, PERF_CONFIG: sys }, systemPath: sys })).toBe("sys");
  expect(configFiles({ HOME: "/h" }).map((f) => f.path)).toEqual(["/etc/perfconfig", "/h/.perfconfig"]);
});

test("booleans, integers and argument checks", () => {
  const path = join(dir, "bools.cfg");
  writeFileSync(path, "[b]\n\tt = yes\n\tf = off\n\tn = 0\n\tx = maybe\n");
  const o = { env: { PERF_CONFIG: path } };
  expect(configGetBool("b.t", o)).toBe(true);
  expect(configGetBool("b.f", o)).toBe(false);
  expect(configGetBool("b.n", o)).toBe(false);
  expect(configGetBool("b.x", o)).toBeNull();
  expect(parseConfigInt("4k")).toBe(4096);
  expect(parseConfigInt("0x10")).toBe(16);
  expect(parseConfig("[a]\n\tb = 1\n").items).toEqual([{ section: "a", name: "b", value: "1" }]);
  expect(() => configGet(1 as unknown as string)).toThrow(TypeError);
  expect(() => parseConfig(null as unknown as string)).toThrow(TypeError);
});
