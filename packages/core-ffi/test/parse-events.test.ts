import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { CpuMap, parseCpuList, parseEventSpecs, parseEvents, ThreadMap } from "@perfkit/core-ffi";
import type { EventAttr } from "@perfkit/format";
import { perfAttrs } from "./helpers.ts";

const FLAGS: [keyof EventAttr, string][] = [
  ["excludeUser", "exclude_user"],
  ["excludeKernel", "exclude_kernel"],
  ["excludeHv", "exclude_hv"],
  ["excludeIdle", "exclude_idle"],
  ["excludeHost", "exclude_host"],
  ["excludeGuest", "exclude_guest"],
  ["pinned", "pinned"],
  ["exclusive", "exclusive"],
];

describe("parseEventSpecs against perf's own attrs", () => {
  test("type, config and modifier flags match perf stat -vv", () => {
    const list =
      "page-faults:u,task-clock:k,cs:uk,minor-faults:I,sched:sched_process_exec,{task-clock,faults}:k," +
      "r1a8,LLC-loads,dTLB-load-misses:u,L1-dcache-load-misses,cpu-migrations:D,major-faults:h,alignment-faults:Gu," +
      "syscalls:sys_enter_openat";
    const ours = parseEventSpecs(list);
    const perf = perfAttrs(list);
    expect(perf.length).toBe(ours.length);
    ours.forEach((spec, i) => {
      const p = perf[i]!.fields;
      expect(`${spec.name} type ${spec.attr.type}`).toBe(`${spec.name} type ${p.get("type") ?? "0"}`);
      expect(`${spec.name} config 0x${(spec.attr.config ?? 0n).toString(16)}`).toBe(
        `${spec.name} config ${p.get("config") ?? "0x0"}`,
      );
      for (const [ours_, theirs] of FLAGS) {
        expect(`${spec.name} ${theirs}=${spec.attr[ours_] ? 1 : 0}`).toBe(
          `${spec.name} ${theirs}=${p.get(theirs) ?? 0}`,
        );
      }
    });
  });
});

describe("parseEventSpecs syntax", () => {
  test("groups wire leaders and group sizes, group modifiers apply to members", () => {
    const s = parseEventSpecs("cpu-clock,{task-clock,page-faults}:u,dummy");
    expect(s.map((e) => [e.name, e.leader, e.groupSize])).toEqual([
      ["cpu-clock", 0, 1],
      ["task-clock", 1, 2],
      ["page-faults", 1, 2],
      ["dummy", 3, 1],
    ]);
    expect(s[2]!.attr.excludeKernel).toBe(true);
  });

  test("aliases, hardware, cache, raw, precise and PMU events", () => {
    const s = parseEventSpecs(
      "faults,migrations,cycles,instructions:pp,L1-icache-load-misses,branch-misses,r1a8,msr/tsc/",
    );
    expect(s.map((e) => [e.kind, e.attr.type, e.attr.config])).toEqual([
      ["software", 1, 2n],
      ["software", 1, 4n],
      ["hardware", 0, 0n],
      ["hardware", 0, 1n],
      ["hw_cache", 3, 0x10001n],
      ["hardware", 0, 5n],
      ["raw", 4, 0x1a8n],
      ["pmu", 9, 0n],
    ]);
    expect(s[3]!.attr.preciseIp).toBe(2);
    const fmt = parseEventSpecs("msr/event=0x5,name=mine/");
    expect(fmt[0]!.name).toBe("mine");
    expect(fmt[0]!.attr.config).toBe(5n);
  });

  test("tracepoints get their tracefs id, and globs expand", () => {
    const id = Number(readFileSync("/sys/kernel/tracing/events/sched/sched_switch/id", "utf8"));
    const [tp] = parseEventSpecs("sched:sched_switch");
    expect(tp!.attr.config).toBe(BigInt(id));
    expect(tp!.tracepoint?.formatPath).toEndWith("sched/sched_switch/format");
    const many = parseEventSpecs("sched:sched_process_*");
    expect(many.length).toBeGreaterThan(3);
    expect(many.every((e) => e.name.startsWith("sched:sched_process_"))).toBe(true);
  });

  test("bad event strings give errors naming the event", () => {
    const cases: [string, RegExp][] = [
      ["cpu-clok", /unknown event 'cpu-clok'/],
      ["cpu/event=0x3c/", /unknown PMU 'cpu' \(this machine has no hardware PMU\)/],
      ["sched:nope", /unknown tracepoint 'sched:nope'/],
      ["nosys:nope", /no tracepoint system 'nosys'/],
      ["page-faults:x", /unknown modifier 'x' in event 'page-faults:x'/],
      ["{cpu-clock", /unbalanced '\{'/],
      ["cpu-clock}", /unbalanced '\}'/],
      ["msr/foo=1/", /unknown term 'foo' for PMU 'msr'/],
      ["msr/event=zz/", /bad number 'zz'/],
      ["", /empty event list/],
      ["cpu-clock,,task-clock", /empty event name/],
      ["cpu-clock:pppp", /too many 'p'/],
      ["{a,{b}}", /unknown event 'a'|nested/],
    ];
    for (const [text, re] of cases) expect(() => parseEventSpecs(text)).toThrow(re);
  });

  test("wrong argument types throw TypeError naming the argument", () => {
    expect(() => parseEventSpecs(42 as unknown as string)).toThrow(TypeError);
    expect(() => parseEvents(undefined as unknown as string)).toThrow(/events must be a string/);
    expect(() => parseEvents("cpu-clock", 7 as unknown as string)).toThrow(/cpus must be/);
    expect(() => parseEvents("cpu-clock", undefined, "x" as unknown as number)).toThrow(/threads must be/);
    expect(() => parseEvents("cpu-clock", [0, 1.5])).toThrow(TypeError);
  });
});

describe("CpuMap and ThreadMap", () => {
  test("online CPUs by default, list syntax round-trips", () => {
    const online = readFileSync("/sys/devices/system/cpu/online", "utf8").trim();
    expect(new CpuMap().toString()).toBe(online);
    expect(parseCpuList("0-3,7")).toEqual([0, 1, 2, 3, 7]);
    expect(new CpuMap("7,0-3").toString()).toBe("0-3,7");
    expect(CpuMap.any().isAny).toBe(true);
    expect(() => new CpuMap("0-x")).toThrow(/bad CPU list entry '0-x'/);
    expect(() => new CpuMap("3-1")).toThrow(/end before start/);
    expect(() => new CpuMap([-1, 0])).toThrow(TypeError);
  });

  test("threads of a process and bad tids", () => {
    const t = ThreadMap.forPid(process.pid);
    expect(t.tids[0]).toBe(process.pid);
    expect(new ThreadMap().isAny).toBe(true);
    expect(() => ThreadMap.forPid(0x7ffffff0)).toThrow(/does not exist/);
    expect(() => new ThreadMap([])).toThrow(/at least one/);
    expect(() => new ThreadMap("1" as unknown as number)).toThrow(TypeError);
  });
});
