/** `session.on("system:event", cb)`: runtime dispatch by tracepoint, compared with perf script. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { PerfData, type PerfEvent, Session } from "../src/index.ts";
import { FIXTURES, HAVE_PERF, perf } from "./perf-oracle.ts";

const TP = join(FIXTURES, "tp.data");

/** perf script's `sched:sched_switch` lines as "prev_comm prev_pid next_comm next_pid". */
function perfSwitches(): string[] {
  return perf(["script", "-i", TP, "-F", "event,trace"])
    .split("\n")
    .filter((l) => l.includes("sched:sched_switch:"))
    .map((l) => {
      const m = /prev_comm=(.*?) prev_pid=(\d+) .* next_comm=(.*?) next_pid=(\d+)/.exec(l)!;
      return `${m[1]} ${m[2]} ${m[3]} ${m[4]}`;
    });
}

test.skipIf(!HAVE_PERF)("on() runs per tracepoint in processEvents(), with perf's field values", () => {
  using data = new PerfData({ path: TP });
  using s = new Session(data);
  const seen: string[] = [];
  let forks = 0;
  const ret = s
    .on("sched:sched_switch", (ev) => {
      const f = ev.fields;
      expect(typeof f.prev_pid).toBe("number");
      expect(typeof f.prev_state).toBe("bigint");
      expect(ev.field("next_pid")).toBe(f.next_pid as number);
      seen.push(`${f.prev_comm} ${f.prev_pid} ${f.next_comm} ${f.next_pid}`);
    })
    .on("sched:sched_process_fork", () => forks++);
  expect(ret).toBe(s);
  s.processEvents();
  expect(seen).toEqual(perfSwitches());
  expect(forks).toBe(6);
});

test.skipIf(!HAVE_PERF)("on() callbacks also run while iterating events(), after the sample handler", () => {
  using data = new PerfData({ path: TP });
  const order: string[] = [];
  using s = new Session(data, {
    sample: (ev) => {
      if (ev.evsel.name === "sched:sched_switch") order.push("sample");
    },
  });
  s.on("sched:sched_switch", () => order.push("on"));
  let n = 0;
  for (const ev of s.events() as Iterable<PerfEvent>) if (ev.kind === "SAMPLE") n++;
  expect(n).toBeGreaterThan(2000);
  expect(order.length).toBe(20); // events() does not call the sample handler; on() still runs
  s.close();
  using data2 = new PerfData({ path: TP });
  const order2: string[] = [];
  using s2 = new Session(data2, { sample: (ev) => ev.evsel.name === "sched:sched_switch" && order2.push("sample") });
  s2.on("sched:sched_switch", () => order2.push("on"));
  s2.processEvents();
  expect(order2.slice(0, 4)).toEqual(["sample", "on", "sample", "on"]);
});

test("on() checks its arguments", () => {
  using data = new PerfData({ path: TP });
  using s = new Session(data);
  expect(() => s.on("sched_switch", () => {})).toThrow(TypeError);
  expect(() => s.on("sched_switch", () => {})).toThrow(/name/);
  expect(() => s.on(3 as unknown as string, () => {})).toThrow(/name/);
  expect(() => s.on("sched:sched_switch", null as unknown as () => void)).toThrow(/cb/);
});

test("a callback's exception stops processEvents() and propagates", () => {
  using data = new PerfData({ path: TP });
  using s = new Session(data);
  s.on("raw_syscalls:sys_enter", () => {
    throw new RangeError("stop");
  });
  expect(() => s.processEvents()).toThrow(RangeError);
});
