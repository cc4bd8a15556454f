import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { generateConstantStubs } from "../src/constant-stubs.ts";
import { committedTexts, GENERATED_DIR, snapshotFromTexts } from "../src/snapshot.ts";
import { runStubsCommand } from "../src/stubs-command.ts";
import { parseFormatTexts } from "../src/tracefs-formats.ts";
import { generateStubs } from "../src/tracepoint-stubs.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

test("the committed snapshot is current with respect to the generator and its committed input", () => {
  const texts = committedTexts();
  expect(Object.keys(texts).length).toBeGreaterThan(2000);
  expect(snapshotFromTexts(texts)).toBe(readFileSync(`${GENERATED_DIR}tracepoints.d.ts`, "utf8"));
  expect(generateConstantStubs()).toBe(readFileSync(`${GENERATED_DIR}perf-constants.d.ts`, "utf8"));
});

test("every committed format round-trips through the parser and generator", () => {
  const { formats, errors } = parseFormatTexts(committedTexts());
  expect(errors).toEqual([]);
  expect(formats.length).toBeGreaterThan(2000);
});

test("a malformed format is reported with file and line, the rest are still generated", () => {
  const texts = committedTexts();
  const sw = texts["sched/sched_switch"];
  const broken = { ...texts, "sched/sched_switch": sw.replace("offset:24;", "offset:;") };
  const { formats, errors } = parseFormatTexts(broken, "/t/events");
  expect(errors.length).toBe(1);
  expect(errors[0].message).toMatch(/^\/t\/events\/sched\/sched_switch\/format:\d+: malformed field line/);
  const out = generateStubs({ formats, errors, source: "test" });
  expect(out).toContain("// Skipped (malformed format): /t/events/sched/sched_switch/format:");
  expect(out).toContain('"sched:sched_wakeup": SchedSchedWakeup;');
  expect(out).not.toContain('"sched:sched_switch"');
  expect(() => generateStubs({ formats: "x", source: "" } as unknown as Parameters<typeof generateStubs>[0])).toThrow(
    /input.formats must be/,
  );
});

function tsc(fixture: string): { code: number; out: string } {
  const dir = mkdtempSync(`${tmpdir()}/stubs-types-`);
  try {
    const src = readFileSync(`${import.meta.dir}/type-fixtures/${fixture}.tsfixture`, "utf8").replaceAll(
      "GENERATED/",
      GENERATED_DIR,
    );
    writeFileSync(`${dir}/main.ts`, src);
    writeFileSync(
      `${dir}/tsconfig.json`,
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "ESNext",
          moduleResolution: "bundler",
          target: "ESNext",
          lib: ["ESNext"],
          types: [],
          allowImportingTsExtensions: true,
        },
        files: ["main.ts"],
      }),
    );
    const r = Bun.spawnSync([`${ROOT}node_modules/.bin/tsc`, "--noEmit", "-p", `${dir}/tsconfig.json`]);
    return { code: r.exitCode, out: r.stdout.toString() + r.stderr.toString() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("type tests: correct script compiles, mistakes fail with the expected error", () => {
  const ok = tsc("ok");
  expect(ok.out).toBe("");
  expect(ok.code).toBe(0);
  const misspelt = tsc("misspelt-field");
  expect(misspelt.out).toMatch(/error TS2551: Property 'prev_pidd' does not exist on type 'SchedSchedSwitch'/);
  const wrong = tsc("wrong-type");
  expect(wrong.out).toMatch(/error TS2322: Type 'number' is not assignable to type 'string'/);
  const unknown = tsc("unknown-tracepoint");
  expect(unknown.out).toMatch(/error TS2339: Property 'sched:no_such_event' does not exist on type 'TracepointFields'/);
}, 30000);

test("runStubsCommand -i writes typings for exactly the events of a recording", async () => {
  const dir = mkdtempSync(`${tmpdir()}/stubs-cli-`);
  try {
    for (const fixture of ["tp.data", "pipe-tp.data"]) {
      const code = await runStubsCommand(["-i", `${ROOT}tests/fixtures/${fixture}`, "-o", `${dir}/out.d.ts`]);
      expect(code).toBe(0);
      const out = readFileSync(`${dir}/out.d.ts`, "utf8");
      expect(out).toContain('"sched:sched_switch": SchedSchedSwitch;');
      expect(out).toContain('"raw_syscalls:sys_enter": RawSyscallsSysEnter;');
      expect(out).not.toContain('"timer:');
    }
    expect(await runStubsCommand(["--bogus"])).toBe(2);
    expect(await runStubsCommand(["-i", `${dir}/missing.data`])).toBe(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
