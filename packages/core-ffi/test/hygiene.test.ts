import { beforeAll, describe, expect, test } from "bun:test";
import { CpuMap, EvList, Evsel, parseEventSpecs, parseEvents, RingBuffer } from "@perfkit/core-ffi";
import { fdCount, perfFds, perfMappings } from "./helpers.ts";

/** Snapshot of what a leak would change: all fds, perf fds, perf mappings. */
function snapshot(): { fds: number; perfFds: number; maps: number } {
  return { fds: fdCount(), perfFds: perfFds(), maps: perfMappings() };
}

/**
 * perf fds and mappings must match exactly; the total fd count may only shrink (other test
 * files' spawned pipes can close while this runs, but nothing of ours may stay open).
 */
function expectNoLeak(before: ReturnType<typeof snapshot>): void {
  const now = snapshot();
  expect({ perfFds: now.perfFds, maps: now.maps }).toEqual({ perfFds: before.perfFds, maps: before.maps });
  expect(now.fds).toBeLessThanOrEqual(before.fds);
}

function burn(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

describe("fd and mapping hygiene", () => {
  beforeAll(() => {
    // Let Bun open its own lazy fds (spawn machinery, timers) before the first snapshot.
    Bun.spawnSync(["true"]);
  });

  test("open, mmap, read, close leaves nothing behind; closing twice is safe", () => {
    const before = snapshot();
    const list = parseEvents("cpu-clock,page-faults,sched:sched_switch", new CpuMap(), process.pid);
    list.config();
    list.open();
    list.mmap(8);
    const during = snapshot();
    expect(during.perfFds).toBe(before.perfFds + 3 * list.cpus.length);
    expect(during.maps).toBe(before.maps + list.cpus.length);
    list.enable();
    burn(20);
    for (const cpu of list.cpus) while (list.readOnCpu(cpu)) {}
    list.close();
    list.close();
    expectNoLeak(before);
  });

  test("`using` cleans up when the block throws", () => {
    const before = snapshot();
    expect(() => {
      using list = parseEvents("task-clock", CpuMap.any(), process.pid);
      list.config({ inherit: false });
      list.open();
      list.mmap(4);
      throw new Error("callback failed");
    }).toThrow("callback failed");
    expectNoLeak(before);
  });

  test("a group whose member fails to open closes the fds already opened", () => {
    const before = snapshot();
    const list = parseEvents("{cpu-clock,page-faults,cycles}", new CpuMap(), process.pid);
    expect(() => list.open()).toThrow(/event 'cycles'.*no hardware PMU/);
    expect(list.isOpen).toBe(false);
    expectNoLeak(before);
    list.close();
  });

  test("an evsel failing on its second CPU closes its first fd", () => {
    const cpus = CpuMap.onlineCpus();
    const before = snapshot();
    // The first CPU opens, the nonexistent one fails.
    using ev = new Evsel(parseEventSpecs("cpu-clock")[0]!);
    expect(() => ev.open({ cpus: [cpus[0]!, 4095], threads: process.pid })).toThrow(/cpu 4095/);
    expectNoLeak(before);
  });

  test("a failed mmap (inherit with per-thread buffers) unmaps and explains", () => {
    const before = snapshot();
    {
      using list = parseEvents("cpu-clock", CpuMap.any(), process.pid);
      list.config({ inherit: true });
      list.open();
      expect(() => list.mmap(4)).toThrow(/inherit cannot be used with per-thread buffers/);
    }
    expectNoLeak(before);
  });

  test("a failed AUX mapping leaves only the ring, which closes", () => {
    const before = snapshot();
    {
      using ev = new Evsel({ type: 1, config: 0n, disabled: true }, { name: "cpu-clock" });
      ev.open({ threads: process.pid });
      using ring = RingBuffer.map(ev.fd(-1, process.pid), 1);
      expect(() => ring.mapAux(1)).toThrow();
      expect(perfMappings()).toBe(before.maps + 1);
    }
    expectNoLeak(before);
  });

  test("parse errors and bad arguments open nothing", () => {
    const before = snapshot();
    expect(() => parseEvents("cpu-clock,nope")).toThrow(/unknown event 'nope'/);
    const list = new EvList(CpuMap.any(), process.pid);
    expect(() => list.open()).toThrow(/no evsels/);
    expect(() => list.mmap(3)).toThrow(TypeError);
    expect(() => list.add({} as Evsel)).toThrow(/evsel must be an Evsel/);
    expect(() => list.config({ freq: -1 })).toThrow(/options.freq must be/);
    expectNoLeak(before);
  });

  test("many open/close cycles do not accumulate fds or mappings", () => {
    const before = snapshot();
    for (let i = 0; i < 50; i++) {
      using list = parseEvents("cpu-clock,dummy", new CpuMap(), process.pid);
      list.config();
      list.open();
      list.mmap(1);
    }
    expectNoLeak(before);
  });
});
