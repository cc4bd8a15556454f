import { expect, test } from "bun:test";
import { openPerfData, PerfDataError } from "@perfkit/format";
import { decodeField, decodeFields, parseTracingData } from "../src/tracing/index.ts";
import { perfScript, ROOT, tracepointSamples } from "./tracing-helpers.ts";

function blob(): Uint8Array {
  const pd = openPerfData(`${ROOT}tests/fixtures/tp.data`);
  try {
    return (pd.tracingData as Uint8Array).slice();
  } finally {
    pd.close();
  }
}

test("parses the TRACING_DATA of tp.data: header, every system, lookup by id and name", () => {
  const td = parseTracingData(blob());
  expect(td.version).toBe("0.6");
  expect(td.littleEndian).toBe(true);
  expect(td.longSize).toBe(8);
  expect(td.pageSize).toBe(4096);
  expect(td.headerPage).toContain("commit");
  expect(Array.isArray(td.ftraceFormats)).toBe(true);
  expect(td.formatErrors).toEqual([]);
  const names = td.events.map((e) => `${e.system}:${e.name}`).sort();
  for (const n of ["sched:sched_switch", "raw_syscalls:sys_enter", "syscalls:sys_enter_openat"])
    expect(names).toContain(n);
  const sw = td.eventByName("sched", "sched_switch");
  expect(sw && td.eventById(sw.id)).toBe(sw);
  expect(td.eventById(999999)).toBeUndefined();
});

test("damage gives a PerfDataError naming the offset", () => {
  const b = blob();
  const bad = b.slice();
  bad[0] = 0;
  expect(() => parseTracingData(bad, 0x1000)).toThrow(/bad magic.*offset 0x1000/);
  for (const cut of [5, 20, 40, 200, Math.floor(b.length / 2), b.length - 3]) {
    let err: unknown;
    try {
      parseTracingData(b.subarray(0, cut));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PerfDataError);
    expect((err as PerfDataError).offset).toBeLessThanOrEqual(cut);
  }
  expect(() => parseTracingData([1, 2] as unknown as Uint8Array)).toThrow(/bytes must be a Uint8Array/);
});

test("decoded fields agree with the values perf prints", () => {
  const { td, raws } = tracepointSamples("tp.data");
  const trace = perfScript("tp.data", "trace");
  let checked = 0;
  raws.forEach((raw, i) => {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const fmt = td.eventById(dv.getUint16(0, true));
    if (!fmt) throw new Error("unknown id");
    const v = decodeFields(fmt, dv, td.littleEndian, td.longSize);
    if (fmt.name === "sched_switch") {
      expect(trace[i]).toStartWith(`prev_comm=${v.prev_comm} prev_pid=${v.prev_pid} prev_prio=${v.prev_prio} `);
      expect(trace[i]).toEndWith(`next_comm=${v.next_comm} next_pid=${v.next_pid} next_prio=${v.next_prio}`);
      expect(typeof v.prev_state).toBe("bigint");
      checked++;
    } else if (fmt.name === "sys_enter") {
      const args = v.args as BigUint64Array;
      expect(args).toBeInstanceOf(BigUint64Array);
      expect(trace[i]).toBe(`NR ${v.id} (${[...args].map((a) => a.toString(16)).join(", ")})`);
      checked++;
    } else if (fmt.name === "sched_process_exec") {
      expect(trace[i]).toBe(`filename=${v.filename} pid=${v.pid} old_pid=${v.old_pid}`);
      expect(decodeField(fmt, "filename", dv, true, 8)).toBe(v.filename);
      checked++;
    }
  });
  expect(checked).toBeGreaterThan(900);
});

test("a raw record shorter than its fields is a PerfDataError, not a crash", () => {
  const { td, raws } = tracepointSamples("pipe-tp.data");
  const raw = raws[0];
  const fmt = td.eventById(new DataView(raw.buffer, raw.byteOffset).getUint16(0, true));
  if (!fmt) throw new Error("unknown id");
  expect(() => decodeFields(fmt, new DataView(raw.buffer, raw.byteOffset, 10), true, 8)).toThrow(PerfDataError);
  expect(() => decodeFields(fmt, new DataView(raw.buffer, raw.byteOffset, raw.length), true, 5)).toThrow(/longSize/);
});
