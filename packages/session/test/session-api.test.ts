/** The session API's contracts: sequences, refcounts, argument checks, errors, event ownership. */
import { expect, test } from "bun:test";
import { openSync } from "node:fs";
import { join } from "node:path";
import { liveReferences, PerfData, type SampleEvent, Session } from "../src/index.ts";
import { FIXTURES } from "./perf-oracle.ts";

const fx = (n: string) => join(FIXTURES, n);

test("PerfData checks its arguments and names the path it cannot open", () => {
  expect(() => new PerfData({ path: 3 as unknown as string })).toThrow(TypeError);
  expect(() => new PerfData({ path: 3 as unknown as string })).toThrow(/path/);
  expect(() => new PerfData(null as unknown as object)).toThrow(/options/);
  expect(() => new PerfData({ path: "/nonexistent/x.data" })).toThrow(/\/nonexistent\/x\.data/);
  const fd = openSync(fx("plain.data"), "r");
  expect(() => new PerfData({ fd })).toThrow(/pipe/);
  expect(() => new PerfData({ fd, path: "x" })).toThrow(/path/);
});

test("Session checks its arguments", () => {
  using data = new PerfData({ path: fx("plain.data") });
  expect(() => new Session({} as PerfData)).toThrow(/data/);
  expect(() => new Session(data, { sample: 1 as unknown as () => void })).toThrow(/handlers.sample/);
  using s = new Session(data);
  expect(() => s.findThread("1" as unknown as number)).toThrow(TypeError);
  expect(() => s.findThread(999999)).toThrow(/999999/);
});

test("callchain and brstack are sequences; frames leaf first", () => {
  using data = new PerfData({ path: fx("fp.data") });
  let ev: SampleEvent | undefined;
  using s = new Session(data, {
    sample(e) {
      if (!ev && (e.callchain?.length ?? 0) >= 3) ev = e;
    },
  });
  s.processEvents();
  const cc = ev!.callchain!;
  expect(cc.at(0).ip).toBe(ev!.sampleIp!);
  expect(cc.at(-1)).toBe(cc.at(cc.length - 1));
  expect(() => cc.at(cc.length)).toThrow(RangeError);
  expect(() => cc.at(-cc.length - 1)).toThrow(RangeError);
  expect([...cc].length).toBe(cc.length);
  expect([...cc].map((f) => f.symbol)).toEqual([...cc].map((f) => f.symbol));
  expect(cc.at(0).symbol).toBe(ev!.symbol!);
  expect(ev!.brstack).toBeNull();
  expect(s.findThread(ev!.sampleTid!).comm()).toBe("dd");
});

test("events own their data: read after the session is done", () => {
  const kept: SampleEvent[] = [];
  {
    using data = new PerfData({ path: fx("tp.data") });
    using s = new Session(data, {
      sample(e) {
        if (kept.length < 50) kept.push(e);
      },
    });
    s.processEvents();
  }
  const exec = kept.find((e) => e.evsel.name === "sched:sched_process_exec")!;
  expect(exec.field("filename")).toBe("/usr/bin/sh");
  expect(exec.fields.common_pid).toBe(exec.samplePid!);
  expect(() => exec.field("nope")).toThrow(TypeError);
  expect(kept.every((e) => e.rawBuf instanceof Uint8Array)).toBe(true);
});

test("events() are in timestamp order and typed", () => {
  using data = new PerfData({ path: fx("switch.data") });
  using s = new Session(data);
  let last = 0n;
  const kinds = new Set<string>();
  for (const ev of s.events()) {
    kinds.add(ev.kind);
    const t = ev.sampleTime;
    if (t !== undefined && t !== 0n) {
      expect(t >= last).toBe(true);
      last = t;
    }
    if (ev.kind === "SWITCH") expect(typeof ev.switchOut).toBe("boolean");
  }
  for (const k of ["SAMPLE", "COMM", "MMAP2", "SWITCH", "NAMESPACES"]) expect(kinds.has(k)).toBe(true);
});

test("a callback's exception stops processing and reaches the caller unchanged", () => {
  using data = new PerfData({ path: fx("plain.data") });
  const boom = new Error("boom");
  let n = 0;
  using s = new Session(data, {
    sample() {
      if (++n === 3) throw boom;
    },
  });
  let caught: unknown;
  try {
    s.processEvents();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBe(boom);
  expect(n).toBe(3);
});

test("stat callbacks on a perf stat record file", () => {
  using data = new PerfData({ path: fx("stat.data") });
  const seen: string[] = [];
  using s = new Session(data, {
    stat(ev, name) {
      seen.push(ev.kind === "STAT" ? `${name} ${ev.val > 0n}` : `round ${name}`);
    },
  });
  s.processEvents();
  expect(seen).toEqual(["task-clock true", "page-faults true", "context-switches true", "round null"]);
});

test("EvList/Evsel are refcounted, typed, and every count returns to zero", () => {
  const before = liveReferences();
  {
    using data = new PerfData({ path: fx("multi.data") });
    const s = new Session(data);
    const list = s.evlist;
    expect(list.length).toBe(3);
    const e = list.at(-1).retain();
    expect(e.refCount).toBe(2);
    expect(e.ids.length).toBeGreaterThan(0);
    expect(() => {
      (e.attr as { samplePeriod: unknown }).samplePeriod = 5;
    }).toThrow(/attr.samplePeriod/);
    e.attr.samplePeriod = 5n;
    expect(e.samplePeriod).toBe(5n);
    expect(() => {
      (e.attr as { nope?: number }).nope = 1;
    }).toThrow(TypeError);
    s.close();
    expect(list.at(0).name).toBeString();
    list[Symbol.dispose]();
    expect(e.refCount).toBe(1);
    expect(e.name).toBeString();
    e.release();
    expect(() => e.release()).toThrow(RangeError);
  }
  expect(liveReferences()).toBe(before);
});

test("pipe mode learns attrs and build ids in-band", () => {
  using data = new PerfData({ path: fx("pipe.data") });
  let n = 0;
  let dso = "";
  using s = new Session(data, {
    sample(e) {
      n++;
      if (e.dso?.includes("libc")) dso = e.dso;
    },
  });
  s.processEvents();
  expect(n).toBeGreaterThan(100);
  expect(dso).toContain("libc.so");
  expect(() => s.processEvents()).toThrow(/once/);
});
