/**
 * `perfkit script` against `perf script` byte for byte on every fixture (dwarf.data excluded:
 * DWARF unwinding is a separate issue). The oracle is perf itself, run at test time.
 */
import { describe, expect, test } from "bun:test";
import { fixture, perf, perfkit } from "./helpers/perf.ts";

const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;
const ALL = ["plain", "fp", "multi", "tp", "switch", "sys", "raw", "pipe", "pipe-tp", "zstd", "stat", "inject"];

function same(name: string, args: string[], opts: { stdin?: boolean } = {}): void {
  const file = fixture(`${name}.data`);
  const input = opts.stdin ? ["-i", "-"] : ["-i", file];
  const run = { stdinFile: opts.stdin ? file : undefined };
  const want = perf(["script", ...input, ...args], run);
  const got = perfkit(["script", ...input, ...args], run);
  expect(got.code).toBe(want.code);
  expect(got.stdout).toBe(want.stdout);
}

describe.skipIf(!HAVE_PERF)("perfkit script = perf script", () => {
  for (const name of ALL) test(`default output: ${name}`, () => same(name, []));

  for (const name of ["fp", "tp", "switch", "sys", "pipe", "zstd"])
    test(`task, mmap and switch events: ${name}`, () =>
      same(name, ["--show-task-events", "--show-mmap-events", "--show-switch-events"]));

  const lists = [
    "comm,tid,pid,time,event,ip,sym,symoff,dso",
    "comm,pid,tid,time,period,event,trace",
    "ip,sym,dso",
    "tid,time,ip,dso,period",
    "comm,cpu,time,event,trace",
  ];
  for (const list of lists)
    for (const name of ["plain", "fp", "tp", "pipe-tp"]) test(`-F ${list}: ${name}`, () => same(name, ["-F", list]));

  test("--ns", () => {
    same("fp", ["--ns"]);
    same("tp", ["--ns", "--show-task-events"]);
  });
  test("--header", () => {
    same("plain", ["--header"]);
    same("pipe", ["--header"]);
  });
  test("pipe-mode input on stdin", () => {
    same("pipe", [], { stdin: true });
    same("pipe-tp", [], { stdin: true });
  });
  test("a field the events lack is an error, as in perf", () => {
    same("plain", ["-F", "comm,cpu"]);
  });
});
