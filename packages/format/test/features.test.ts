/**
 * Feature-section decoders: checked against perf's own rendering of the recorded fixtures
 * (`perf report --header-only -I`, `perf buildid-list`, run at test time) and on hand-built
 * big-endian and damaged payloads.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeAttr } from "../src/attr.ts";
import { Feature } from "../src/constants.ts";
import { PerfDataError } from "../src/errors.ts";
import { decodeFeature, decodeFeatures, type FeatureValue, featureName } from "../src/features/index.ts";

const FIXTURES = join(import.meta.dir, "..", "..", "..", "tests", "fixtures");

interface Section {
  id: number;
  bytes: Uint8Array;
  offset: number;
}

/** Locates the feature table of a little-endian file-mode perf.data (header @0, bitmap @72). */
function featureSections(bytes: Uint8Array): Section[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = Number(v.getBigUint64(40, true) + v.getBigUint64(48, true));
  const out: Section[] = [];
  for (let bit = 1; bit < 256; bit++) {
    if (!(bytes[72 + (bit >> 3)] & (1 << (bit & 7)))) continue;
    const offset = Number(v.getBigUint64(at, true));
    const size = Number(v.getBigUint64(at + 8, true));
    at += 16;
    out.push({ id: bit, bytes: bytes.subarray(offset, offset + size), offset });
  }
  return out;
}

function perfText(args: string[]): string {
  const p = Bun.spawnSync(["perf", ...args], { stdout: "pipe", stderr: "pipe" });
  expect(p.exitCode).toBe(0);
  return p.stdout.toString();
}

const fileModeFixtures = readdirSync(FIXTURES)
  .filter((f) => /\.data$/.test(f))
  .filter((f) => {
    const b = readFileSync(join(FIXTURES, f));
    return b.readBigUInt64LE(8) === 104n;
  })
  .sort();

function get<K extends FeatureValue["feature"]>(m: Map<number, FeatureValue>, id: number, kind: K) {
  const v = m.get(id);
  expect(v?.feature).toBe(kind);
  return v as Extract<FeatureValue, { feature: K }>;
}

describe("features of the recorded fixtures agree with perf", () => {
  test("there are file-mode fixtures", () => {
    expect(fileModeFixtures.length).toBeGreaterThan(5);
  });
  for (const name of fileModeFixtures) {
    test(name, () => {
      const path = join(FIXTURES, name);
      const bytes = new Uint8Array(readFileSync(path));
      const sections = featureSections(bytes);
      const { features, errors } = decodeFeatures(sections, true);
      expect(errors).toEqual([]);
      expect([...features.keys()]).toEqual(sections.map((s) => s.id));
      const lines = perfText(["report", "--header-only", "-I", "-i", path]).split("\n");
      const has = (line: string) => expect(lines).toContain(line);
      for (const [id, label] of [
        [Feature.HOSTNAME, "hostname"],
        [Feature.OSRELEASE, "os release"],
        [Feature.VERSION, "perf version"],
        [Feature.ARCH, "arch"],
        [Feature.CPUDESC, "cpudesc"],
        [Feature.CPUID, "cpuid"],
      ] as const) {
        const v = features.get(id);
        if (v && "value" in v) has(`# ${label} : ${v.value}`);
        else throw new Error(`${featureName(id)} missing`);
      }
      const nr = get(features, Feature.NRCPUS, "NRCPUS");
      has(`# nrcpus online : ${nr.nrCpusOnline}`);
      has(`# nrcpus avail : ${nr.nrCpusAvail}`);
      has(`# total memory : ${get(features, Feature.TOTAL_MEM, "TOTAL_MEM").kB} kB`);
      has(`# cmdline : ${get(features, Feature.CMDLINE, "CMDLINE").argv.join(" ")} `);
      for (const e of get(features, Feature.EVENT_DESC, "EVENT_DESC").events) {
        const line = lines.find((l) => l.startsWith(`# event : name = ${e.name}, , id = {`));
        expect(line).toBeDefined();
        expect(line).toContain(`id = { ${e.ids.join(", ")} }`);
        expect(line).toContain(`type = ${e.attr.type}, size = ${e.attr.size}`);
      }
      const topo = get(features, Feature.CPU_TOPOLOGY, "CPU_TOPOLOGY");
      for (const s of topo.siblingSockets) has(`# sibling sockets : ${s}`);
      for (const s of topo.siblingThreads) has(`# sibling threads : ${s}`);
      for (const s of topo.siblingDies ?? []) has(`# sibling dies    : ${s}`);
      expect(topo.cpus?.length).toBe(nr.nrCpusAvail);
      for (const [i, c] of (topo.cpus ?? []).entries()) {
        has(`# CPU ${i}: Core ID ${c.coreId}, Die ID ${c.dieId}, Socket ID ${c.socketId}`);
      }
      for (const n of get(features, Feature.NUMA_TOPOLOGY, "NUMA_TOPOLOGY").nodes) {
        has(`# node${n.node} meminfo  : total = ${n.memTotalKB} kB, free = ${n.memFreeKB} kB`);
      }
      const pmus = get(features, Feature.PMU_MAPPINGS, "PMU_MAPPINGS").pmus;
      has(`# pmu mappings: ${pmus.map((p) => `${p.name} = ${p.type}`).join(", ")}`);
      for (const c of get(features, Feature.CACHE, "CACHE").levels) {
        expect(
          lines.some((l) => l.startsWith(`#  L${c.level} ${c.type} `) && l.endsWith(`${c.size} [${c.sharedCpuMap}]`)),
        ).toBe(true);
      }
      const st = get(features, Feature.SAMPLE_TIME, "SAMPLE_TIME");
      const usec = (ns: bigint) => `${ns / 1_000_000_000n}.${String((ns % 1_000_000_000n) / 1000n).padStart(6, "0")}`;
      has(`# time of first sample : ${usec(st.firstSampleTime)}`);
      has(`# time of last sample : ${usec(st.lastSampleTime)}`);
      const mem = get(features, Feature.MEM_TOPOLOGY, "MEM_TOPOLOGY");
      has(`# memory nodes (nr ${mem.nodes.length}, block size 0x${mem.blockSize.toString(16)}):`);
      expect(mem.nodes.every((n) => n.words.length === Math.ceil(Number(n.nbits) / 64))).toBe(true);
      const comp = features.get(Feature.COMPRESSED);
      if (comp?.feature === "COMPRESSED") {
        has(`# compressed : ${comp.type === 1 ? "Zstd" : "Unknown"}, level = ${comp.level}, ratio = ${comp.ratio}`);
      }
      const clk = features.get(Feature.CLOCKID);
      if (clk?.feature === "CLOCKID") has(`# clockid frequency: ${clk.resolutionNs * 1000n} MHz`);
      if (features.has(Feature.STAT)) has("# contains stat data");
      const td = features.get(Feature.TRACING_DATA);
      if (td) {
        expect(td.feature).toBe("TRACING_DATA");
        if (td.feature === "TRACING_DATA")
          expect([...td.bytes.subarray(0, 10)]).toEqual([0x17, 8, 0x44, ...Buffer.from("tracing")]);
      }
      const bid = features.get(Feature.BUILD_ID);
      if (bid?.feature === "BUILD_ID") {
        const listed = new Set(perfText(["buildid-list", "-i", path]).trim().split("\n"));
        expect(bid.entries.length).toBeGreaterThan(0);
        for (const e of bid.entries) {
          expect(e.hasSize).toBe(true);
          expect(listed.has(`${e.hex} ${e.filename}`)).toBe(true);
        }
      }
    });
  }
});

/** A byte builder in either byte order, writing perf's feature encodings. */
class Writer {
  private readonly parts: number[] = [];
  constructor(readonly le: boolean) {}
  private int(n: bigint | number, size: number): this {
    const b = new Uint8Array(size);
    const v = new DataView(b.buffer);
    if (size === 2) v.setUint16(0, Number(n), this.le);
    else if (size === 4) v.setUint32(0, Number(n) >>> 0, this.le);
    else v.setBigUint64(0, BigInt.asUintN(64, BigInt(n)), this.le);
    this.parts.push(...b);
    return this;
  }
  u16 = (n: number) => this.int(n, 2);
  u32 = (n: number) => this.int(n, 4);
  u64 = (n: bigint | number) => this.int(n, 8);
  raw(b: Uint8Array | number[]): this {
    this.parts.push(...b);
    return this;
  }
  /** perf_header_string, padded to 64 like perf's do_write_string. */
  str(s: string): this {
    const body = Buffer.from(s);
    const len = Math.ceil((body.length + 1) / 64) * 64;
    this.u32(len);
    const b = new Uint8Array(len);
    b.set(body);
    return this.raw(b);
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

const BE = { littleEndian: false };

describe("hand-built big-endian sections", () => {
  test("strings, numbers and flags", () => {
    expect(decodeFeature(Feature.HOSTNAME, new Writer(false).str("box").bytes, BE)).toEqual({
      feature: "HOSTNAME",
      value: "box",
    });
    expect(decodeFeature(Feature.NRCPUS, new Writer(false).u32(8).u32(6).bytes, BE)).toEqual({
      feature: "NRCPUS",
      nrCpusAvail: 8,
      nrCpusOnline: 6,
    });
    expect(decodeFeature(Feature.TOTAL_MEM, new Writer(false).u64(123456n).bytes, BE)).toEqual({
      feature: "TOTAL_MEM",
      kB: 123456n,
    });
    expect(decodeFeature(Feature.SAMPLE_TIME, new Writer(false).u64(5n).u64(9n).bytes, BE)).toEqual({
      feature: "SAMPLE_TIME",
      firstSampleTime: 5n,
      lastSampleTime: 9n,
    });
    expect(decodeFeature(Feature.CLOCKID, new Writer(false).u64(1n).bytes, BE)).toEqual({
      feature: "CLOCKID",
      resolutionNs: 1n,
    });
    expect(decodeFeature(Feature.DIR_FORMAT, new Writer(false).u64(1n).bytes, BE)).toEqual({
      feature: "DIR_FORMAT",
      version: 1n,
    });
    expect(
      decodeFeature(Feature.COMPRESSED, new Writer(false).u32(0).u32(1).u32(3).u32(7).u32(528384).bytes, BE),
    ).toEqual({ feature: "COMPRESSED", version: 0, type: 1, level: 3, ratio: 7, mmapLen: 528384 });
    expect(
      decodeFeature(Feature.CLOCK_DATA, new Writer(false).u32(1).u32(1).u64(1700000000123456789n).u64(42n).bytes, BE),
    ).toEqual({ feature: "CLOCK_DATA", version: 1, clockid: 1, todNs: 1700000000123456789n, clockidNs: 42n });
    expect(decodeFeature(Feature.BRANCH_STACK, new Uint8Array(0), BE)).toEqual({ feature: "BRANCH_STACK" });
    expect(decodeFeature(Feature.STAT, new Uint8Array(0), BE)).toEqual({ feature: "STAT" });
    expect(decodeFeature(Feature.CMDLINE, new Writer(false).strs(["/usr/bin/perf", "record", "-g"]).bytes, BE)).toEqual(
      {
        feature: "CMDLINE",
        argv: ["/usr/bin/perf", "record", "-g"],
      },
    );
  });

  test("EVENT_DESC with a big-endian attr", () => {
    const attr = encodeAttr(
      { type: 1, config: 9n, samplePeriod: 4000n, sampleType: 0x107, freq: true, preciseIp: 2 },
      120,
      false,
    );
    const w = new Writer(false).u32(1).u32(120).raw(attr).u32(2).str("cpu-clock").u64(11n).u64(12n);
    const v = decodeFeature(Feature.EVENT_DESC, w.bytes, BE);
    expect(v.feature).toBe("EVENT_DESC");
    if (v.feature !== "EVENT_DESC") return;
    expect(v.attrSize).toBe(120);
    expect(v.events).toHaveLength(1);
    const e = v.events[0];
    expect(e.name).toBe("cpu-clock");
    expect(e.ids).toEqual([11n, 12n]);
    expect([e.attr.type, e.attr.size, e.attr.config, e.attr.samplePeriod, e.attr.sampleType]).toEqual([
      1,
      120,
      9n,
      4000n,
      0x107,
    ]);
    expect(e.attr.freq).toBe(true);
    expect(e.attr.preciseIp).toBe(2);
  });

  test("CPU_TOPOLOGY: every optional part, sized by NRCPUS from decodeFeatures", () => {
    const topo = new Writer(false).strs(["0-3"]).strs(["0-1", "2-3"]);
    for (let c = 0; c < 4; c++) topo.u32(c >> 1).u32(0);
    topo.strs(["0-3"]);
    for (let c = 0; c < 4; c++) topo.u32(0);
    // CPU_TOPOLOGY first in the list: decodeFeatures must still decode NRCPUS before it.
    const { features, errors } = decodeFeatures(
      [
        { id: Feature.CPU_TOPOLOGY, bytes: topo.bytes, offset: 1000 },
        { id: Feature.NRCPUS, bytes: new Writer(false).u32(4).u32(4).bytes, offset: 2000 },
      ],
      false,
    );
    expect(errors).toEqual([]);
    expect([...features.keys()]).toEqual([Feature.CPU_TOPOLOGY, Feature.NRCPUS]);
    expect(features.get(Feature.CPU_TOPOLOGY)).toEqual({
      feature: "CPU_TOPOLOGY",
      siblingSockets: ["0-3"],
      siblingThreads: ["0-1", "2-3"],
      siblingDies: ["0-3"],
      cpus: [0, 0, 1, 1].map((core) => ({ coreId: core, socketId: 0, dieId: 0 })),
    });
    // An old writer's section without the per-CPU parts.
    const old = new Writer(false).strs(["0-3"]).strs(["0-3"]).bytes;
    expect(decodeFeature(Feature.CPU_TOPOLOGY, old, BE)).toEqual({
      feature: "CPU_TOPOLOGY",
      siblingSockets: ["0-3"],
      siblingThreads: ["0-3"],
    });
  });

  test("topology, PMU, cache, group, auxtrace, BPF and domain sections", () => {
    const numa = new Writer(false).u32(1).u32(0).u64(1000n).u64(500n).str("0-7").bytes;
    expect(decodeFeature(Feature.NUMA_TOPOLOGY, numa, BE)).toEqual({
      feature: "NUMA_TOPOLOGY",
      nodes: [{ node: 0, memTotalKB: 1000n, memFreeKB: 500n, cpuList: "0-7" }],
    });
    const pmu = new Writer(false).u32(2).u32(4).str("cpu").u32(1).str("software").bytes;
    expect(decodeFeature(Feature.PMU_MAPPINGS, pmu, BE)).toEqual({
      feature: "PMU_MAPPINGS",
      pmus: [
        { type: 4, name: "cpu" },
        { type: 1, name: "software" },
      ],
    });
    const group = new Writer(false).u32(1).str("{anon_group}").u32(0).u32(2).bytes;
    expect(decodeFeature(Feature.GROUP_DESC, group, BE)).toEqual({
      feature: "GROUP_DESC",
      groups: [{ name: "{anon_group}", leaderIdx: 0, nrMembers: 2 }],
    });
    const aux = new Writer(false).u64(1n).u64(4096n).u64(48n).bytes;
    expect(decodeFeature(Feature.AUXTRACE, aux, BE)).toEqual({
      feature: "AUXTRACE",
      entries: [{ fileOffset: 4096n, size: 48n }],
    });
    const cache = new Writer(false).u32(1).u32(1).u32(1).u32(64).u32(64).u32(8).str("Data").str("32K").str("0-1").bytes;
    expect(decodeFeature(Feature.CACHE, cache, BE)).toEqual({
      feature: "CACHE",
      version: 1,
      levels: [{ level: 1, lineSize: 64, sets: 64, ways: 8, type: "Data", size: "32K", sharedCpuMap: "0-1" }],
    });
    const mem = new Writer(false).u64(1n).u64(0x8000000n).u64(1n).u64(0n).u64(70n).u64(70n).u64(0xffn).u64(1n).bytes;
    expect(decodeFeature(Feature.MEM_TOPOLOGY, mem, BE)).toEqual({
      feature: "MEM_TOPOLOGY",
      version: 1n,
      blockSize: 0x8000000n,
      nodes: [{ node: 0n, nbits: 70n, words: [0xffn, 1n] }],
    });
    const caps = new Writer(false).u32(1).str("branches").str("32").bytes;
    expect(decodeFeature(Feature.CPU_PMU_CAPS, caps, BE)).toEqual({
      feature: "CPU_PMU_CAPS",
      caps: [{ name: "branches", value: "32" }],
    });
    const pmuCaps = new Writer(false).u32(1).u32(1).str("max_precise").str("3").str("cpu_core").bytes;
    expect(decodeFeature(Feature.PMU_CAPS, pmuCaps, BE)).toEqual({
      feature: "PMU_CAPS",
      pmus: [{ pmuName: "cpu_core", caps: [{ name: "max_precise", value: "3" }] }],
    });
    const hybrid = new Writer(false).u32(1).str("cpu_atom").str("8-15").bytes;
    expect(decodeFeature(Feature.HYBRID_TOPOLOGY, hybrid, BE)).toEqual({
      feature: "HYBRID_TOPOLOGY",
      nodes: [{ pmuName: "cpu_atom", cpus: "8-15" }],
    });
    const prog = new Writer(false).u32(1).u32(4).u32(2).u64(7n).raw([1, 2, 3, 4]).raw([5, 6]).bytes;
    const p = decodeFeature(Feature.BPF_PROG_INFO, prog, BE);
    expect(p.feature === "BPF_PROG_INFO" && [...p.programs[0].info, ...p.programs[0].data]).toEqual([1, 2, 3, 4, 5, 6]);
    const btf = new Writer(false).u32(1).u32(9).u32(3).raw([7, 8, 9]).bytes;
    const b = decodeFeature(Feature.BPF_BTF, btf, BE);
    expect(b.feature === "BPF_BTF" && b.entries[0].id === 9 && [...b.entries[0].data]).toEqual([7, 8, 9]);
    const dom = new Writer(false).u32(17).u32(1).u32(0).u32(1).u32(0).str("SMT").str("00000003").str("0-1").bytes;
    expect(decodeFeature(Feature.CPU_DOMAIN_INFO, dom, { littleEndian: false, nrCpusOnline: 1 })).toEqual({
      feature: "CPU_DOMAIN_INFO",
      schedstatVersion: 17,
      maxSchedDomains: 1,
      cpus: [{ cpu: 0, domains: [{ domain: 0, name: "SMT", cpumask: "00000003", cpulist: "0-1" }] }],
    });
    expect(decodeFeature(Feature.TRACING_DATA, Uint8Array.of(0x17, 8, 0x44), BE)).toEqual({
      feature: "TRACING_DATA",
      bytes: Uint8Array.of(0x17, 8, 0x44),
    });
    expect(decodeFeature(200, Uint8Array.of(1, 2), BE)).toEqual({
      feature: "UNKNOWN",
      id: 200,
      bytes: Uint8Array.of(1, 2),
    });
  });
});

/** One build-id entry: `pad(nameLen)` gives the padded name length. */
function buildIdEntry(
  w: Writer,
  o: { misc: number; pid: number; id: number[]; size?: number; name: string; total: number },
) {
  const id = new Uint8Array(20);
  id.set(o.id);
  const name = new Uint8Array(o.total - 36);
  name.set(Buffer.from(o.name));
  w.u32(0)
    .u16(o.misc)
    .u16(o.total)
    .u32(o.pid)
    .raw(id)
    .raw([o.size ?? 0, 0, 0, 0])
    .raw(name);
}

describe("BUILD_ID entries", () => {
  const id20 = Array.from({ length: 20 }, (_, i) => i + 1);
  for (const le of [true, false]) {
    test(`all three padding schemes, size byte, stripped ids (${le ? "LE" : "BE"})`, () => {
      const w = new Writer(le);
      const k = "[kernel.kallsyms]"; // 17 chars + NUL
      buildIdEntry(w, { misc: 0x8001, pid: -1, id: id20, size: 20, name: k, total: 36 + 64 }); // old: 36 + ALIGN(len+1, 64)
      buildIdEntry(w, { misc: 0x8002, pid: -1, id: id20.slice(0, 16), size: 16, name: "/bin/a", total: 48 }); // ALIGN(36+7, 8)
      buildIdEntry(w, { misc: 0x8002, pid: 0, id: id20, size: 20, name: "/lib/b.so", total: 36 + 16 }); // 36 + ALIGN(10, 8)
      buildIdEntry(w, { misc: 2, pid: 1234, id: [...id20.slice(0, 8)], name: "/c", total: 40 }); // no size bit
      const v = decodeFeature(Feature.BUILD_ID, w.bytes, { littleEndian: le });
      expect(v.feature).toBe("BUILD_ID");
      if (v.feature !== "BUILD_ID") return;
      expect(v.legacyLayout).toBe(false);
      expect(v.entries.map((e) => [e.filename, e.pid, e.cpumode, e.buildId.length, e.hasSize])).toEqual([
        [k, -1, 1, 20, true],
        ["/bin/a", -1, 2, 16, true],
        ["/lib/b.so", 0, 2, 20, true],
        ["/c", 1234, 2, 8, false],
      ]);
      expect(v.entries[1].hex).toBe("0102030405060708090a0b0c0d0e0f10");
    });
  }

  test("pre-2010 layout without pid is detected by the shifted kernel name", () => {
    const w = new Writer(true);
    const id = new Uint8Array(24);
    id.set(id20);
    const name = new Uint8Array(32);
    name.set(Buffer.from("[kernel.kallsyms]"));
    w.u32(0)
      .u16(1)
      .u16(8 + 24 + 32)
      .raw(id)
      .raw(name);
    const v = decodeFeature(Feature.BUILD_ID, w.bytes, { littleEndian: true });
    expect(v.feature === "BUILD_ID" && v.legacyLayout).toBe(true);
    if (v.feature !== "BUILD_ID") return;
    expect(v.entries).toHaveLength(1);
    expect(v.entries[0].filename).toBe("[kernel.kallsyms]");
    expect(v.entries[0].pid).toBe(-1);
    expect(v.entries[0].buildId.length).toBe(20);
  });
});

describe("damaged sections", () => {
  const LE = { littleEndian: true };
  const badFeature = (fn: () => unknown, offset: number) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PerfDataError);
    expect((err as PerfDataError).kind).toBe("bad-feature");
    expect((err as PerfDataError).offset).toBe(offset);
  };

  test("truncation names the absolute offset", () => {
    badFeature(() => decodeFeature(Feature.NRCPUS, Uint8Array.of(1, 0, 0, 0), LE, 5000), 5004);
    const s = new Writer(true).str("hostname").bytes;
    badFeature(() => decodeFeature(Feature.HOSTNAME, s.subarray(0, 10), LE, 100), 104);
    badFeature(() => decodeFeature(Feature.HOSTNAME, new Uint8Array(2), LE, 100), 100);
  });

  test("huge counts are refused before allocating", () => {
    const big = new Writer(true).u32(0xffffffff).bytes;
    for (const id of [
      Feature.CMDLINE,
      Feature.NUMA_TOPOLOGY,
      Feature.PMU_MAPPINGS,
      Feature.GROUP_DESC,
      Feature.CPU_PMU_CAPS,
      Feature.PMU_CAPS,
      Feature.HYBRID_TOPOLOGY,
      Feature.BPF_PROG_INFO,
      Feature.BPF_BTF,
    ]) {
      badFeature(() => decodeFeature(id, big, LE, 64), 68);
    }
    badFeature(() => decodeFeature(Feature.AUXTRACE, new Writer(true).u64(1n << 40n).bytes, LE, 0), 8);
    badFeature(() => decodeFeature(Feature.EVENT_DESC, new Writer(true).u32(1 << 30).u32(136).bytes, LE, 0), 8);
    badFeature(
      () =>
        decodeFeature(
          Feature.MEM_TOPOLOGY,
          new Writer(true)
            .u64(1n)
            .u64(1n)
            .u64(1n << 40n).bytes,
          LE,
          0,
        ),
      24,
    );
  });

  test("a build-id entry whose size is too small or too large", () => {
    const w = new Writer(true).u32(0).u16(2).u16(12).raw(new Uint8Array(32));
    badFeature(() => decodeFeature(Feature.BUILD_ID, w.bytes, LE, 10), 10);
    const w2 = new Writer(true).u32(0).u16(2).u16(400).raw(new Uint8Array(32));
    badFeature(() => decodeFeature(Feature.BUILD_ID, w2.bytes, LE, 10), 10);
  });

  test("CPU_TOPOLOGY ids without NRCPUS are an error, not a guess", () => {
    const topo = new Writer(true).strs(["0"]).strs(["0"]).u32(0).u32(0).bytes;
    badFeature(() => decodeFeature(Feature.CPU_TOPOLOGY, topo, LE, 0), 144);
  });

  test("decodeFeatures isolates one bad section", () => {
    const { features, errors } = decodeFeatures(
      [
        { id: Feature.HOSTNAME, bytes: new Writer(true).str("a").bytes, offset: 100 },
        { id: Feature.OSRELEASE, bytes: Uint8Array.of(200, 0, 0, 0, 1), offset: 300 },
        { id: Feature.ARCH, bytes: new Writer(true).str("x86_64").bytes, offset: 500 },
      ],
      true,
    );
    expect([...features.keys()]).toEqual([Feature.HOSTNAME, Feature.ARCH]);
    expect(errors).toHaveLength(1);
    expect(errors[0].offset).toBe(304);
    expect(errors[0].message).toContain("OSRELEASE");
  });

  test("arguments are checked", () => {
    expect(() => decodeFeature(-1, new Uint8Array(), LE)).toThrow(TypeError);
    expect(() => decodeFeature(3, [] as unknown as Uint8Array, LE)).toThrow(TypeError);
    expect(() => decodeFeature(3, new Uint8Array(), {} as never)).toThrow(TypeError);
    expect(() => decodeFeatures({} as never, true)).toThrow(TypeError);
    expect(() => decodeFeatures([], "yes" as never)).toThrow(TypeError);
  });
});

describe("fuzzed sections never escape as anything but PerfDataError", () => {
  test("truncations and byte flips of every fixture section, both byte orders", () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let decoded = 0;
    let rejected = 0;
    for (const name of ["plain.data", "tp.data", "stat.data"]) {
      const sections = featureSections(new Uint8Array(readFileSync(join(FIXTURES, name))));
      for (const s of sections) {
        for (let k = 0; k < 40; k++) {
          const b = s.bytes.slice(0, k < 10 ? rand(s.bytes.length + 1) : s.bytes.length);
          for (let f = 0; f < 4 && b.length > 0; f++) b[rand(b.length)] = rand(256);
          for (const littleEndian of [true, false]) {
            try {
              decodeFeature(s.id, b, { littleEndian, nrCpusAvail: 2, nrCpusOnline: 2 }, s.offset);
              decoded++;
            } catch (e) {
              expect(e).toBeInstanceOf(PerfDataError);
              expect((e as PerfDataError).offset).toBeGreaterThanOrEqual(s.offset);
              expect((e as PerfDataError).offset).toBeLessThanOrEqual(s.offset + b.length);
              rejected++;
            }
          }
        }
      }
    }
    expect(decoded).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});
