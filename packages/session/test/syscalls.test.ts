import { expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { syscallArch, syscallId, syscallName, syscallTable } from "../src/syscalls/index.ts";
import { FIXTURES, HAVE_PERF, perf } from "./perf-oracle.ts";

test("well-known numbers per architecture", () => {
  expect(syscallName(257, { elfMachine: 62 })).toBe("openat");
  expect(syscallName(0, { elfMachine: "x86_64" })).toBe("read");
  expect(syscallName(512, { elfMachine: 62 })).toBe("rt_sigaction"); // x32 range, as perf's table
  expect(syscallId("rt_sigaction", { elfMachine: 62 })).toBe(13);
  expect(syscallName(5, { elfMachine: 3 })).toBe("open");
  expect(syscallName(56, { elfMachine: 183 })).toBe("openat");
  expect(syscallName(79, { elfMachine: "arm64" })).toBe("newfstatat");
  expect(syscallName(322, { elfMachine: 40 })).toBe("openat");
  expect(syscallName(259, { elfMachine: 243 })).toBe("riscv_flush_icache");
  expect(syscallName(286, { elfMachine: 21 })).toBe("openat");
  expect(syscallName(288, { elfMachine: 22 })).toBe("openat");
  expect(syscallName(5247, { elfMachine: 8 })).toBe("openat");
  expect(syscallId("perf_event_open", { elfMachine: 62 })).toBe(298);
  expect(syscallId("perf_event_open", { elfMachine: 183 })).toBe(241);
  expect(syscallName(99999, { elfMachine: 62 })).toBeNull();
  for (const em of [62, 3, 183, 40, 243, 21, 22, 8])
    expect(syscallTable({ elfMachine: em }).length).toBeGreaterThan(300);
});

test("host default and argument checks", () => {
  if (process.arch === "x64") expect(syscallName(1)).toBe("write");
  expect(() => syscallId("no_such_call", { elfMachine: 62 })).toThrow(/unknown syscall/);
  expect(() => syscallName("1" as unknown as number)).toThrow(TypeError);
  expect(() => syscallName(1.5)).toThrow(TypeError);
  expect(() => syscallId(3 as unknown as string)).toThrow(TypeError);
  expect(() => syscallName(1, { elfMachine: 9999 })).toThrow(TypeError);
  expect(() => syscallName(1, { elfMachine: "vax" })).toThrow(TypeError);
  expect(() => syscallName(1, { elfMachine: true as unknown as number })).toThrow(TypeError);
  expect(syscallArch("x64")).toBe("x86_64");
});

test.skipIf(!HAVE_PERF || process.arch !== "x64")("names agree with perf trace on tp.data", () => {
  const data = join(FIXTURES, "tp.data");
  const nrs = new Set<number>();
  for (const line of perf(["script", "-i", data, "-F", "event,trace"]).split("\n")) {
    const m = /raw_syscalls:sys_enter: NR (\d+)/.exec(line);
    if (m) nrs.add(Number(m[1]));
  }
  // perf trace replays raw_syscalls events and names them with perf's own x86_64 table.
  const traced = new Set<string>();
  // perf trace writes to stderr; -o sends it to a file we read back.
  const out = join(tmpdir(), `perfkit-trace-${process.pid}.txt`);
  perf(["trace", "-i", data, "-o", out]);
  const text = readFileSync(out, "utf8");
  rmSync(out, { force: true });
  for (const line of text.split("\n")) {
    const m = /(?:\d+ |\]: )(\w+)\(/.exec(line);
    if (m) traced.add(m[1]!);
  }
  const mine = new Set([...nrs].map((nr) => syscallName(nr, { elfMachine: 62 })));
  expect(mine.has(null)).toBe(false);
  for (const name of traced) expect(mine.has(name)).toBe(true);
  expect([...mine].filter((n) => !traced.has(n!))).toEqual([]);
  expect(traced.size).toBeGreaterThan(20);
});
