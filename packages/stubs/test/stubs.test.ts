import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { generateConstantStubs } from "../src/constant-stubs.ts";
import { committedTexts, GENERATED_DIR, snapshotFromTexts } from "../src/snapshot.ts";
import { runStubsCommand } from "../src/stubs-command.ts";
import { generateSyscallStubs } from "../src/syscall-stubs.ts";
import { parseFormatTexts } from "../src/tracefs-formats.ts";
import { generateStubs } from "../src/tracepoint-stubs.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

test("the committed snapshot is current with respect to the generator and its committed input", () => {
  const texts = committedTexts();
  expect(Object.keys(texts).length).toBeGreaterThan(2000);
  expect(snapshotFromTexts(texts)).toBe(readFileSync(`${GENERATED_DIR}tracepoints.d.ts`, "utf8"));
  expect(generateConstantStubs()).toBe(readFileSync(`${GENERATED_DIR}perf-constants.d.ts`, "utf8"));
  expect(generateSyscallStubs()).toBe(readFileSync(`${GENERATED_DIR}syscalls.d.ts`, "utf8"));
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

/**
 * Type-checks fixture scripts in one `tsc --noEmit` program (fixtures are `main` files of a temp
 * project; `GENERATED/` points at the committed snapshot) and returns the diagnostics per fixture.
 * The workspace packages resolve through `paths` to the same files the snapshot's
 * `declare module "@perfkit/session"` resolves to, so the augmentation applies.
 */
function tsc(fixtures: string[]): { code: number; out: string; errors: Map<string, string> } {
  const dir = mkdtempSync(`${tmpdir()}/stubs-types-`);
  try {
    for (const fixture of fixtures) {
      const src = readFileSync(`${import.meta.dir}/type-fixtures/${fixture}.tsfixture`, "utf8").replaceAll(
        "GENERATED/",
        GENERATED_DIR,
      );
      writeFileSync(`${dir}/${fixture}.ts`, src);
    }
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
          types: ["bun"],
          typeRoots: [`${ROOT}node_modules/@types`],
          skipLibCheck: true,
          allowImportingTsExtensions: true,
          paths: {
            "@perfkit/session": [`${ROOT}packages/session/src/index.ts`],
            "@perfkit/format": [`${ROOT}packages/format/src/index.ts`],
          },
        },
        files: fixtures.map((f) => `${f}.ts`),
      }),
    );
    const r = Bun.spawnSync([
      `${ROOT}node_modules/.bin/tsc`,
      "--noEmit",
      "--pretty",
      "false",
      "-p",
      `${dir}/tsconfig.json`,
    ]);
    const out = r.stdout.toString() + r.stderr.toString();
    const errors = new Map<string, string>();
    for (const line of out.split("\n")) {
      const m = /^(?:.*\/)?([\w-]+)\.ts\(\d+,\d+\): (error TS\d+: .*)$/.exec(line);
      if (m) errors.set(m[1], `${errors.get(m[1]) ?? ""}${m[2]}\n`);
    }
    return { code: r.exitCode, out, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("type tests: correct scripts compile, mistakes fail with the expected error", () => {
  const { out, errors } = tsc([
    "ok",
    "misspelt-field",
    "wrong-type",
    "unknown-tracepoint",
    "session-ok",
    "session-misspelt-field",
    "session-wrong-type",
    "session-unknown-tracepoint",
    "session-missing-null-check",
    "syscall-wrong-arch",
  ]);
  // Only the fixtures meant to fail have diagnostics, and only in their own file.
  expect([...errors.keys()].sort()).toEqual([
    "misspelt-field",
    "session-missing-null-check",
    "session-misspelt-field",
    "session-unknown-tracepoint",
    "session-wrong-type",
    "syscall-wrong-arch",
    "unknown-tracepoint",
    "wrong-type",
  ]);
  expect(out).not.toContain("generated/");
  expect(errors.get("misspelt-field")).toMatch(
    /TS2551: Property 'prev_pidd' does not exist on type 'SchedSchedSwitch'/,
  );
  expect(errors.get("wrong-type")).toMatch(/TS2322: Type 'number' is not assignable to type 'string'/);
  expect(errors.get("unknown-tracepoint")).toMatch(
    /TS2339: Property 'sched:no_such_event' does not exist on type 'TracepointFields'/,
  );
  const misspelt = errors.get("session-misspelt-field")!;
  expect(misspelt).toMatch(
    /TS2551: Property 'prev_pidd' does not exist on type 'SchedSchedSwitch'. Did you mean 'prev_pid'/,
  );
  expect(misspelt).toMatch(/TS2339: Property 'no_such_field' does not exist on type 'SchedSchedSwitch'/);
  expect(misspelt).toMatch(/TS2345: Argument of type '"next_pidd"' is not assignable to parameter of type/);
  expect(misspelt.trim().split("\n").length).toBe(3);
  expect(errors.get("session-wrong-type")).toMatch(
    /^error TS2322: Type 'bigint' is not assignable to type 'number'.\n$/,
  );
  expect(errors.get("session-unknown-tracepoint")).toMatch(
    /^error TS2345: Argument of type '"sched:no_such_event"' is not assignable to parameter of type /,
  );
  const nullCheck = errors.get("session-missing-null-check")!;
  expect(nullCheck).toMatch(/TS2322: Type 'string \| null' is not assignable to type 'string'/);
  expect(nullCheck).toMatch(/TS18047: 'ev.callchain' is possibly 'null'/);
  const arch = errors.get("syscall-wrong-arch")!;
  expect(arch).toMatch(/TS2322: Type '"open"' is not assignable to type 'SyscallNameAarch64'/);
  expect(arch).toMatch(/TS2820: Type '"opnat"' is not assignable to type 'SyscallNameX86_64'. Did you mean '"openat"'/);
}, 60000);

test("type tests: without generated stubs, session.on takes any name with untyped fields", () => {
  const { code, out } = tsc(["session-untyped"]);
  expect(out).toBe("");
  expect(code).toBe(0);
}, 60000);

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
