/**
 * `perfkit report --header-only` must print exactly what perf 6.1's `perf report --header-only`
 * prints for the same file, run side by side at test time; `-I` (full info) is compared too.
 *
 * Machine-dependent lines, identical on both sides because both read the same file on the
 * same machine: "# captured on" is the file's mtime (a fresh checkout's time) rendered in the
 * local time zone, and CLOCK_DATA's "# reference time" date is local time as well.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// Test-only byte helper: tests/ has no package resolution of its own.
import { encodeAttr } from "@perfkit/format";
import { FIXTURES, fixture, perf, perfkit, ROOT, run } from "./helpers/perf.ts";

// Every fixture, including the .data.old files perf left behind when re-recording.
const ALL = readdirSync(FIXTURES)
  .filter((f) => /\.data(\.old)?$/.test(f))
  .sort();

/** perfkit's `-I` text for every file, from one bun process (the CLI has no -I flag yet). */
function perfkitFull(paths: string[], env: Record<string, string> = {}): Record<string, string> {
  const script = `
    import { openPerfData } from "@perfkit/format";
    import { formatHeaderOnly } from "./src/header/index.ts";
    const out = {};
    for (const p of JSON.parse(process.argv[1])) {
      using f = openPerfData(p);
      out[p] = formatHeaderOnly(f, { full: true });
    }
    process.stdout.write(JSON.stringify(out));`;
  const p = Bun.spawnSync(["bun", "-e", script, JSON.stringify(paths)], {
    cwd: join(ROOT, "packages", "cli"),
    env: { ...process.env, ...env },
  });
  expect(p.stderr.toString()).toBe("");
  return JSON.parse(p.stdout.toString());
}

describe("report --header-only matches perf byte for byte", () => {
  test("fixtures exist", () => expect(ALL.length).toBeGreaterThan(10));
  for (const name of ALL) {
    test(name, () => {
      const want = perf(["report", "--header-only", "-i", fixture(name)]);
      expect(want.code).toBe(0);
      const got = perfkit(["report", "--header-only", "-i", fixture(name)]);
      expect(got.stderr).toBe("");
      expect(got.code).toBe(0);
      expect(got.stdout).toBe(want.stdout);
    });
  }

  test("pipe-mode stream on stdin (-i -)", () => {
    const want = perf(["report", "--header-only", "-i", "-"], { stdinFile: fixture("pipe.data") });
    const got = perfkit(["report", "--header-only", "-i", "-"], { stdinFile: fixture("pipe.data") });
    expect(want.stdout).toStartWith("# ========\n# captured on");
    expect(got.stdout).toBe(want.stdout);
  });

  test("captured-on follows the reader's time zone like perf's ctime()", () => {
    const env = { TZ: "Asia/Kolkata" };
    const want = run(["perf", "report", "--header-only", "-i", fixture("plain.data")], { env });
    const got = run(
      ["bun", join(ROOT, "packages", "cli", "src", "main.ts"), "report", "--header-only", "-i", fixture("plain.data")],
      { env },
    );
    expect(got.stdout).toBe(want.stdout);
  });
});

describe("report --header-only -I (full info) matches perf byte for byte", () => {
  for (const tz of ["UTC", "America/New_York"]) {
    test(`every fixture, TZ=${tz}`, () => {
      const got = perfkitFull(ALL.map(fixture), { TZ: tz });
      for (const name of ALL) {
        const want = run(["perf", "report", "--header-only", "-I", "-i", fixture(name)], { env: { TZ: tz } });
        expect(want.code).toBe(0);
        expect({ name, text: got[fixture(name)] }).toEqual({ name, text: want.stdout });
      }
    });
  }
});

/** Appends integers in one byte order and perf's feature encodings. */
class Writer {
  readonly parts: number[] = [];
  constructor(private readonly le: boolean) {}
  int(n: bigint | number, size: 2 | 4 | 8): this {
    const b = new Uint8Array(size);
    const v = new DataView(b.buffer);
    if (size === 2) v.setUint16(0, Number(n), this.le);
    else if (size === 4) v.setUint32(0, Number(n) >>> 0, this.le);
    else v.setBigUint64(0, BigInt.asUintN(64, BigInt(n)), this.le);
    return this.raw(b);
  }
  u32 = (n: number) => this.int(n, 4);
  u64 = (n: bigint | number) => this.int(n, 8);
  raw(b: Uint8Array | number[]): this {
    for (const x of b) this.parts.push(x);
    return this;
  }
  /** perf_header_string, NUL-padded to 64 like perf writes it. */
  str(s: string): this {
    const body = Buffer.from(s);
    const b = new Uint8Array(Math.ceil((body.length + 1) / 64) * 64);
    b.set(body);
    return this.u32(b.length).raw(b);
  }
  strs(list: string[]): this {
    this.u32(list.length);
    for (const s of list) this.str(s);
    return this;
  }
  get bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/**
 * A perf.data with every feature perf 6.1 prints and none of the fixtures has (groups,
 * branch stack, AUX index, hybrid/PMU caps, BTF, clock data, a half-way rounding tie in the
 * sample duration, quotes in the command line, most attr fields). Big-endian files leave out
 * the attr fields perf 6.1 does not byte-swap (precise_ip's bit order, sample_regs_intr, sig_data).
 */
function synthPerfData(le: boolean): Uint8Array {
  const w = () => new Writer(le);
  const ATTR = 128; // perf 6.1's sizeof(perf_event_attr): it refuses larger attrs
  const base = { sampleType: 0x147, readFormat: 4, sampleIdAll: true, disabled: true };
  const attrs = [
    {
      ...base,
      type: 1,
      samplePeriod: 4000n,
      freq: true,
      wakeupEvents: 3,
      clockid: -1,
      useClockid: true,
      ...(le ? { preciseIp: 2 } : {}),
    },
    {
      ...base,
      type: 4,
      config: 0x1234n,
      config1: 0xabn,
      config2: 5n,
      samplePeriod: 100003n,
      excludeKernel: true,
      auxWatermark: 4096,
      sampleMaxStack: 127,
      sigtrap: true,
      removeOnExec: true,
      ...(le ? { sampleRegsIntr: 0xffn, sigData: 77n } : {}),
    },
    {
      ...base,
      type: 5,
      bpType: 3,
      config1: 0x401000n,
      config2: 8n,
      samplePeriod: 1n,
      inheritThread: true,
      textPoke: true,
      buildId: true,
      cgroup: true,
      auxOutput: true,
      exclusive: true,
      pinned: true,
    },
    {
      ...base,
      type: 0,
      config: 1n,
      samplePeriod: 1000n,
      sampleType: 0x947,
      branchSampleType: 0x20003,
      sampleStackUser: 8192,
      sampleRegsUser: 0xff0fffn,
      auxSampleSize: 64,
      excludeCallchainKernel: true,
      writeBackward: true,
      watermark: true,
      inheritStat: true,
    },
  ].map((a) => encodeAttr(a, ATTR, le));
  const names = ["cpu-clock", "cpu/event=0x34,umask=0x12/", "mem:0x401000:rw", "instructions:u'quoted'"];
  const ids = [[1n, 2n], [3n], [4n, 5n, 6n], [7n]];
  const out = w().raw(new Uint8Array(104));
  const idOffsets = ids.map((list) => {
    const at = out.parts.length;
    for (const id of list) out.u64(id);
    return at;
  });
  const attrsOffset = out.parts.length;
  for (const [i, a] of attrs.entries())
    out
      .raw(a)
      .u64(idOffsets[i])
      .u64(ids[i].length * 8);
  const dataOffset = out.parts.length;
  out.u32(68).int(0, 2).int(8, 2); // one FINISHED_ROUND
  const dataSize = out.parts.length - dataOffset;
  const desc = w().u32(attrs.length).u32(ATTR);
  attrs.forEach((a, i) => {
    desc.raw(a).u32(ids[i].length).str(names[i]);
    for (const id of ids[i]) desc.u64(id);
  });
  const topo = w().strs(["0-3"]).strs(["0-1", "2-3"]);
  for (let c = 0; c < 4; c++) topo.u32(c >> 1).u32(0);
  const features: [number, Writer][] = [
    [3, w().str("synth-host")],
    [4, w().str("6.1.0-synthetic")],
    [5, w().str("6.1.187")],
    [6, w().str("x86_64")],
    [7, w().u32(4).u32(3)],
    [8, w().str("Synthetic CPU @ 1.00GHz")],
    [9, w().str("GenuineIntel,6,85,4")],
    [10, w().u64(16384000n)],
    [11, w().strs(["/usr/bin/perf", "record", "-e", "it's", "--", "sh", "-c", "echo 'a b'"])],
    [12, desc],
    [13, topo],
    [14, w().u32(2).u32(0).u64(8000000n).u64(4000000n).str("0-1,3").u32(1).u64(8000000n).u64(1000n).str("2")],
    [15, w()],
    [16, w().u32(3).u32(4).str("cpu").u32(1).str("software").u32(2).str("tracepoint")],
    [17, w().u32(2).str("{anon_group}").u32(0).u32(2).str("mygrp").u32(2).u32(2)],
    [18, w().u64(0n)],
    [
      20,
      w()
        .u32(1)
        .u32(2)
        .u32(1)
        .u32(64)
        .u32(64)
        .u32(12)
        .str("Data")
        .str("48K")
        .str("0-1")
        .u32(3)
        .u32(64)
        .u32(16384)
        .u32(16)
        .str("Unified")
        .str("16384K")
        .str("0-3"),
    ],
    [21, w().u64(1_000_062_500n).u64(1_000_125_000n)], // 0.0625 ms: glibc rounds the tie to even
    [
      22,
      w()
        .u64(1n)
        .u64(0x8000000n)
        .u64(2n)
        .u64(0n)
        .u64(70n)
        .u64(70n)
        .u64(0xfn)
        .u64(0x30n)
        .u64(1n)
        .u64(8n)
        .u64(8n)
        .u64(0xf0n),
    ],
    [23, w().u64(1n)],
    [26, w().u32(2).u32(9).u32(0).u32(3).u32(0)],
    [27, w().u32(0).u32(1).u32(3).u32(5).u32(528384)],
    [28, w().u32(2).str("branches").str("32").str("max_precise").str("3")],
    [29, w().u32(1).u32(1).u64(1764287188123456789n).u64(98765432101n)],
    [30, w().u32(2).str("cpu_core").str("0-1").str("cpu_atom").str("2-3")],
    [31, w().u32(1).u32(1).str("max_precise").str("0").str("cpu_atom")],
  ];
  let at = out.parts.length + features.length * 16;
  for (const [, f] of features) {
    out.u64(at).u64(f.parts.length);
    at += f.parts.length;
  }
  for (const [, f] of features) out.raw(f.parts);
  const file = out.bytes;
  const v = new DataView(file.buffer);
  file.set(Buffer.from(le ? "PERFILE2" : "2ELIFREP"), 0);
  const words = [104, ATTR + 16, attrsOffset, attrs.length * (ATTR + 16), dataOffset, dataSize];
  for (const [i, n] of words.entries()) v.setBigUint64(8 + i * 8, BigInt(n), le);
  // The bitmap is unsigned long words: a big-endian 64-bit writer stores each word byte-reversed.
  for (const [id] of features) file[72 + (le ? id >> 3 : (id >> 6) * 8 + 7 - ((id & 63) >> 3))] |= 1 << (id & 7);
  return file;
}

describe("synthetic files with the features the fixtures lack", () => {
  const dir = mkdtempSync(join(tmpdir(), "perfkit-header-"));
  const files = [true, false].map((le) => {
    const path = join(dir, le ? "synth-le.data" : "synth-be.data");
    writeFileSync(path, synthPerfData(le));
    return path;
  });
  for (const path of files) {
    test(`${path.endsWith("le.data") ? "little" : "big"}-endian: --header-only and -I`, () => {
      const want = perf(["report", "--header-only", "-i", path]);
      expect(want.code).toBe(0);
      expect(want.stdout).toContain("# group: mygrp{mem:0x401000:rw,instructions:u'quoted'}");
      expect(perfkit(["report", "--header-only", "-i", path]).stdout).toBe(want.stdout);
      const full = perf(["report", "--header-only", "-I", "-i", path]);
      expect(full.stdout).toContain("# sample duration :      0.062 ms");
      expect(perfkitFull([path])[path]).toBe(full.stdout);
    });
  }
});
