/**
 * `perfkit report --header-only` must print exactly what perf 6.1's `perf report --header-only`
 * prints for the same file, run side by side at test time; `-I` (full info) is compared too.
 *
 * Machine-dependent lines, identical on both sides because both read the same file on the
 * same machine: "# captured on" is the file's mtime (a fresh checkout's time) rendered in the
 * local time zone, and CLOCK_DATA's "# reference time" date is local time as well.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, fixture, perf, perfkit, ROOT, run } from "./helpers/perf.ts";

// Every fixture, including the .data.old files perf left behind when re-recording.
const ALL = readdirSync(FIXTURES)
  .filter((f) => /\.data(\.old)?$/.test(f))
  .sort();

/** perfkit's `-I` text for every fixture, from one bun process (the CLI has no -I flag yet). */
function perfkitFull(names: string[], env: Record<string, string> = {}): Record<string, string> {
  const script = `
    import { openPerfData } from "@perfkit/format";
    import { formatHeaderOnly } from "./src/header/index.ts";
    const out = {};
    for (const p of JSON.parse(process.argv[1])) {
      using f = openPerfData(p);
      out[p] = formatHeaderOnly(f, { full: true });
    }
    process.stdout.write(JSON.stringify(out));`;
  const p = Bun.spawnSync(["bun", "-e", script, JSON.stringify(names.map(fixture))], {
    cwd: join(ROOT, "packages", "cli"),
    env: { ...process.env, ...env },
  });
  expect(p.stderr.toString()).toBe("");
  return JSON.parse(p.stdout.toString());
}

describe("report --header-only matches perf byte for byte", () => {
  test("fixtures exist", () => expect(ALL.length).toBeGreaterThan(10));
  for (const name of ALL) {
    test(name, () => {
      const want = perf(["report", "--header-only", "-i", fixture(name)]);
      expect(want.code).toBe(0);
      const got = perfkit(["report", "--header-only", "-i", fixture(name)]);
      expect(got.stderr).toBe("");
      expect(got.code).toBe(0);
      expect(got.stdout).toBe(want.stdout);
    });
  }

  test("pipe-mode stream on stdin (-i -)", () => {
    const want = perf(["report", "--header-only", "-i", "-"], { stdinFile: fixture("pipe.data") });
    const got = perfkit(["report", "--header-only", "-i", "-"], { stdinFile: fixture("pipe.data") });
    expect(want.stdout).toStartWith("# ========\n# captured on");
    expect(got.stdout).toBe(want.stdout);
  });

  test("captured-on follows the reader's time zone like perf's ctime()", () => {
    const env = { TZ: "Asia/Kolkata" };
    const want = run(["perf", "report", "--header-only", "-i", fixture("plain.data")], { env });
    const got = run(
      ["bun", join(ROOT, "packages", "cli", "src", "main.ts"), "report", "--header-only", "-i", fixture("plain.data")],
      { env },
    );
    expect(got.stdout).toBe(want.stdout);
  });
});

describe("report --header-only -I (full info) matches perf byte for byte", () => {
  for (const tz of ["UTC", "America/New_York"]) {
    test(`every fixture, TZ=${tz}`, () => {
      const got = perfkitFull(ALL, { TZ: tz });
      for (const name of ALL) {
        const want = run(["perf", "report", "--header-only", "-I", "-i", fixture(name)], { env: { TZ: tz } });
        expect(want.code).toBe(0);
        expect({ name, text: got[fixture(name)] }).toEqual({ name, text: want.stdout });
      }
    });
  }
});
