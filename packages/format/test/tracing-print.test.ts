import { describe, expect, test } from "bun:test";
import { formatTracepoint, parseEventFormat } from "../src/tracing/index.ts";
import { perfScript, tracepointSamples } from "./tracing-helpers.ts";

function ours(fixture: string): string[] {
  const { td, raws } = tracepointSamples(fixture);
  return raws.map((raw) => {
    const id = new DataView(raw.buffer, raw.byteOffset).getUint16(0, td.littleEndian);
    const fmt = td.eventById(id);
    if (!fmt) throw new Error(`no format for id ${id}`);
    return formatTracepoint(fmt, raw, td);
  });
}

describe("formatTracepoint matches perf script -F trace byte for byte", () => {
  for (const fixture of ["tp.data", "pipe-tp.data"]) {
    test(fixture, () => {
      const expected = perfScript(fixture, "trace");
      const got = ours(fixture);
      expect(got.length).toBe(expected.length);
      expect(got.join("\n")).toBe(expected.join("\n"));
    });
  }
});

const FMT = `name: demo
ID: 7
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

\tfield:int v;\toffset:8;\tsize:4;\tsigned:1;
\tfield:unsigned long p;\toffset:16;\tsize:8;\tsigned:0;
\tfield:u8 mac[6];\toffset:24;\tsize:6;\tsigned:0;
\tfield:__data_loc u8[] buf;\toffset:32;\tsize:4;\tsigned:0;
\tfield:__rel_loc char[] name;\toffset:36;\tsize:4;\tsigned:0;

print fmt: "%d|%5d|%-5d|%05x|%#x|%p|%p|%pM|%s|%s|%s|%s|%u|%hhd|%c|%.*s|%s|%s", REC->v, REC->v, REC->v, REC->v, REC->v, REC->p, 0, REC->mac, __print_symbolic(REC->v, { 1, "one" }, { -3, "minus3" }), __print_flags(REC->v & 0xff, "|", { 1, "A" }, { 4, "B" }), __print_hex(__get_dynamic_array(buf), __get_dynamic_array_len(buf)), __get_str(name), (unsigned)REC->v, 300, 65, 2, "abc", REC->v > 0 ? "pos" : "neg", __print_array(__get_dynamic_array(buf), 3, 1)
`;

function demoRecord(v: number): Uint8Array {
  const b = new Uint8Array(56);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 7, true);
  dv.setInt32(8, v, true);
  dv.setBigUint64(16, 0xffffffff81000000n, true);
  b.set([0, 0x1b, 0x21, 0xa, 0xb, 0xc], 24);
  dv.setUint32(32, (3 << 16) | 40, true);
  b.set([1, 0xab, 255], 40);
  // rel_loc: data at 36 + 4 + 4 = 44.
  dv.setUint32(36, (4 << 16) | 4, true);
  b.set([0x68, 0x69, 0x21, 0], 44);
  return b;
}

test("print fmt helpers and printf conversions follow libtraceevent/glibc", () => {
  const fmt = parseEventFormat(FMT, "demo");
  const out = formatTracepoint(fmt, demoRecord(-3), { littleEndian: true, longSize: 8 });
  expect(out).toBe(
    "-3|   -3|-3   |fffffffd|0xfffffffd|0xffffffff81000000|(nil)|00:1b:21:0a:0b:0c|minus3|A|B|0xf8|01 ab ff|hi!|4294967293|44|A|ab|neg|1 171 255",
  );
  const out2 = formatTracepoint(fmt, demoRecord(1), { littleEndian: true, longSize: 8 });
  expect(out2.split("|").slice(8, 10)).toEqual(["one", "A"]);
});

test("an unknown helper falls back to [FAILED TO PARSE] with the fields", () => {
  const fmt = parseEventFormat(FMT.replace(/print fmt: .*/, 'print fmt: "%d", no_such_helper(REC->v)'), "demo");
  const out = formatTracepoint(fmt, demoRecord(5), { littleEndian: true, longSize: 8 });
  expect(out.startsWith("[FAILED TO PARSE] v=5 p=0xffffffff81000000")).toBe(true);
});

test("bad arguments are TypeErrors naming the argument", () => {
  const fmt = parseEventFormat(FMT, "demo");
  expect(() => formatTracepoint(fmt, "x" as unknown as Uint8Array, { littleEndian: true, longSize: 8 })).toThrow(
    /raw must be/,
  );
  expect(() => formatTracepoint(fmt, demoRecord(1), { littleEndian: true, longSize: 3 })).toThrow(/opts.longSize/);
});
