/**
 * perf 6.1's per-feature `print_*` functions (util/header.c), each returning the exact text.
 * The table also records which features perf shows only with `-I` (full_only) and which have
 * no printer at all (TRACING_DATA, BUILD_ID).
 */
import type { EventDescFeature, FeatureValue } from "@perfkit/format";
import { attrFields, attrPassesPerf61Check } from "./attr-fprintf.ts";
import { cDateTime, cFixed, padLeft, padRight } from "./c-format.ts";

/** What a printer may consult besides its own section. */
export interface PrintContext {
  /** `-I`: print full_only features instead of "info available" lines. */
  full: boolean;
  /** All decoded features (GROUP_DESC reads EVENT_DESC names). */
  features: ReadonlyMap<number, FeatureValue>;
  /** The file's byte order differs from the reader's: perf then refuses the BPF sections. */
  crossEndian: boolean;
}

type Printer = (v: FeatureValue, ctx: PrintContext) => string;

/** One row of perf 6.1's feat_ops table. */
export interface FeatOp {
  name: string;
  print?: Printer;
  fullOnly: boolean;
}

/** perf 6.1's HEADER_LAST_FEATURE: ids at or above it are unknown to that perf. */
export const PERF61_LAST_FEATURE = 32;

const str = (v: FeatureValue): string => ("value" in v ? v.value : "");

function printCmdline(v: FeatureValue): string {
  if (v.feature !== "CMDLINE") return "";
  // perf escapes single quotes as \' and ends every argument with a space.
  return `# cmdline : ${v.argv.map((a) => `${a.split("'").join("\\'")} `).join("")}\n`;
}

function printEventDesc(v: FeatureValue): string {
  if (v.feature !== "EVENT_DESC") return "";
  if (!v.events.every((e) => attrPassesPerf61Check(e.attr))) {
    return "# event desc: not available or unable to read\n";
  }
  let out = "";
  for (const e of v.events) {
    out += `# event : name = ${e.name}, `;
    if (e.ids.length > 0) out += `, id = {${e.ids.map((id) => ` ${id}`).join(",")} }`;
    for (const [name, value] of attrFields(e.attr)) out += `, ${name} = ${value}`;
    out += "\n";
  }
  return out;
}

function printCpuTopology(v: FeatureValue): string {
  if (v.feature !== "CPU_TOPOLOGY") return "";
  let out = "";
  for (const s of v.siblingSockets) out += `# sibling sockets : ${s}\n`;
  const dies = v.siblingDies ?? [];
  for (const s of dies) out += `# sibling dies    : ${s}\n`;
  for (const s of v.siblingThreads) out += `# sibling threads : ${s}\n`;
  const i32 = (n: number | undefined): number => (n ?? 0) | 0;
  if (dies.length > 0) {
    if (v.cpus) {
      v.cpus.forEach((c, i) => {
        out += `# CPU ${i}: Core ID ${i32(c.coreId)}, Die ID ${i32(c.dieId)}, Socket ID ${i32(c.socketId)}\n`;
      });
    } else out += "# Core ID, Die ID and Socket ID information is not available\n";
  } else if (v.cpus) {
    v.cpus.forEach((c, i) => {
      out += `# CPU ${i}: Core ID ${i32(c.coreId)}, Socket ID ${i32(c.socketId)}\n`;
    });
  } else out += "# Core ID and Socket ID information is not available\n";
  return out;
}

/** perf's cpu_map__snprint of a parsed CPU list: sorted, de-duplicated, ranges joined by commas. */
export function cpuListRanges(list: string): string {
  const cpus = new Set<number>();
  for (const part of list.split(",")) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    // Bounded: a damaged list must not make the printer spin (perf caps CPUs far lower).
    for (let c = lo; c <= hi && cpus.size < 1 << 16; c++) cpus.add(c);
  }
  return ranges([...cpus].sort((a, b) => a - b));
}

function ranges(sorted: number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

function printNumaTopology(v: FeatureValue): string {
  if (v.feature !== "NUMA_TOPOLOGY") return "";
  let out = "";
  for (const n of v.nodes) {
    out += `# node${n.node} meminfo  : total = ${n.memTotalKB} kB, free = ${n.memFreeKB} kB\n`;
    out += `# node${n.node} cpu list : ${cpuListRanges(n.cpuList)}\n`;
  }
  return out;
}

function printPmuMappings(v: FeatureValue): string {
  if (v.feature !== "PMU_MAPPINGS") return "";
  if (v.pmus.length === 0) return "# pmu mappings: not available\n";
  return `# pmu mappings: ${v.pmus.map((p) => `${p.name} = ${p.type}`).join(", ")}\n`;
}

function printGroupDesc(v: FeatureValue, ctx: PrintContext): string {
  if (v.feature !== "GROUP_DESC") return "";
  const desc = [...ctx.features.values()].find((f): f is EventDescFeature => f.feature === "EVENT_DESC");
  const names = desc?.events.map((e) => e.name) ?? [];
  const groupAt = new Map(v.groups.map((g) => [g.leaderIdx, g]));
  let out = "";
  let left = 0;
  names.forEach((name, idx) => {
    const g = groupAt.get(idx);
    if (left === 0 && g && g.nrMembers > 1) {
      const groupName = g.name === "{anon_group}" ? "" : g.name;
      out += `# group: ${groupName}{${name}`;
      left = g.nrMembers - 1;
    } else if (left > 0) {
      out += `,${name}`;
      if (--left === 0) out += "}\n";
    }
  });
  return out;
}

function printCache(v: FeatureValue): string {
  if (v.feature !== "CACHE") return "";
  let out = "# CPU cache info:\n";
  for (const c of v.levels) out += `#  L${c.level} ${padRight(c.type, 15)} ${padLeft(c.size, 8)} [${c.sharedCpuMap}]\n`;
  return out;
}

/** timestamp__scnprintf_usec: `sec.usec`. */
function usecStamp(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${String((ns % 1_000_000_000n) / 1000n).padStart(6, "0")}`;
}

function printSampleTime(v: FeatureValue): string {
  if (v.feature !== "SAMPLE_TIME") return "";
  const ms = Number(BigInt.asUintN(64, v.lastSampleTime - v.firstSampleTime)) / 1e6;
  return (
    `# time of first sample : ${usecStamp(v.firstSampleTime)}\n` +
    `# time of last sample : ${usecStamp(v.lastSampleTime)}\n` +
    `# sample duration : ${padLeft(cFixed(ms, 3), 10)} ms\n`
  );
}

/** unit_number__scnprintf: divide by 1024 while the quotient exceeds 1, up to G. */
function unitNumber(n: bigint): string {
  const units = "BKMG";
  let i = 0;
  while (n / 1024n > 1n && i < 3) {
    n /= 1024n;
    i++;
  }
  return `${n}${units[i]}`;
}

function printMemTopology(v: FeatureValue): string {
  if (v.feature !== "MEM_TOPOLOGY") return "";
  let out = `# memory nodes (nr ${v.nodes.length}, block size 0x${v.blockSize.toString(16)}):\n`;
  for (const n of v.nodes) {
    const set: number[] = [];
    const nbits = Number(n.nbits);
    for (let b = 0; b < nbits; b++) if ((n.words[b >> 6] >> BigInt(b & 63)) & 1n) set.push(b);
    // bitmap_scnprintf writes into a 100-byte buffer.
    const map = ranges(set).slice(0, 99);
    out += `#  ${padLeft(String(n.node), 3)} [${unitNumber(v.blockSize * BigInt(set.length))}]: ${map}\n`;
  }
  return out;
}

const CLOCKIDS: Record<number, string> = {
  1: "monotonic",
  4: "monotonic_raw",
  0: "realtime",
  7: "boottime",
  11: "tai",
};

function printClockData(v: FeatureValue): string {
  if (v.feature !== "CLOCK_DATA") return "";
  if (v.version !== 1) return "# reference time disabled\n";
  const todSec = v.todNs / 1_000_000_000n;
  const todUsec = (v.todNs % 1_000_000_000n) / 1000n;
  const clkSec = v.clockidNs / 1_000_000_000n;
  const clkNsec = v.clockidNs % 1_000_000_000n;
  const name = CLOCKIDS[v.clockid] ?? "(not found)";
  const usec = String(todUsec).padStart(6, "0");
  const tstr = `${cDateTime(new Date(Number(todSec) * 1000))}.${usec}`;
  return (
    `# clockid: ${name} (${v.clockid})\n` +
    `# reference time: ${tstr} = ${todSec}.${usec} (TOD) = ${clkSec}.${String(clkNsec).padStart(9, "0")} (${name})\n`
  );
}

function capsLine(pmu: string, caps: { name: string; value: string }[]): string {
  if (caps.length === 0) return `# ${pmu} pmu capabilities: not available\n`;
  return `# ${pmu} pmu capabilities: ${caps.map((c) => `${c.name}=${c.value}`).join(", ")}\n`;
}

const i32 = (n: number): number => n | 0;

const printers: Record<string, Printer> = {
  HOSTNAME: (v) => `# hostname : ${str(v)}\n`,
  OSRELEASE: (v) => `# os release : ${str(v)}\n`,
  VERSION: (v) => `# perf version : ${str(v)}\n`,
  ARCH: (v) => `# arch : ${str(v)}\n`,
  NRCPUS: (v) =>
    v.feature === "NRCPUS" ? `# nrcpus online : ${v.nrCpusOnline}\n# nrcpus avail : ${v.nrCpusAvail}\n` : "",
  CPUDESC: (v) => `# cpudesc : ${str(v)}\n`,
  CPUID: (v) => `# cpuid : ${str(v)}\n`,
  TOTAL_MEM: (v) => (v.feature === "TOTAL_MEM" ? `# total memory : ${v.kB} kB\n` : ""),
  CMDLINE: printCmdline,
  EVENT_DESC: printEventDesc,
  CPU_TOPOLOGY: printCpuTopology,
  NUMA_TOPOLOGY: printNumaTopology,
  BRANCH_STACK: () => "# contains samples with branch stack\n",
  PMU_MAPPINGS: printPmuMappings,
  GROUP_DESC: printGroupDesc,
  AUXTRACE: () => "# contains AUX area data (e.g. instruction trace)\n",
  STAT: () => "# contains stat data\n",
  CACHE: printCache,
  SAMPLE_TIME: printSampleTime,
  MEM_TOPOLOGY: printMemTopology,
  CLOCKID: (v) =>
    v.feature === "CLOCKID" ? `# clockid frequency: ${BigInt.asUintN(64, v.resolutionNs * 1000n)} MHz\n` : "",
  DIR_FORMAT: (v) => (v.feature === "DIR_FORMAT" ? `# directory data version : ${v.version}\n` : ""),
  // Programs would need bpf_prog_info parsing (names from BTF); none of our recordings has any.
  BPF_PROG_INFO: () => "",
  BPF_BTF: (v, ctx) =>
    v.feature === "BPF_BTF" && !ctx.crossEndian
      ? [...v.entries]
          .sort((a, b) => a.id - b.id)
          .map((e) => `# btf info of id ${e.id}\n`)
          .join("")
      : "",
  COMPRESSED: (v) =>
    v.feature === "COMPRESSED"
      ? `# compressed : ${v.type === 1 ? "Zstd" : "Unknown"}, level = ${i32(v.level)}, ratio = ${i32(v.ratio)}\n`
      : "",
  CPU_PMU_CAPS: (v) => (v.feature === "CPU_PMU_CAPS" ? capsLine("cpu", v.caps) : ""),
  CLOCK_DATA: printClockData,
  HYBRID_TOPOLOGY: (v) =>
    v.feature === "HYBRID_TOPOLOGY"
      ? `# hybrid cpu system:\n${v.nodes.map((n) => `# ${n.pmuName} cpu list : ${n.cpus}\n`).join("")}`
      : "",
  PMU_CAPS: (v) => (v.feature === "PMU_CAPS" ? v.pmus.map((p) => capsLine(p.pmuName, p.caps)).join("") : ""),
};

const FULL_ONLY = new Set(["CPU_TOPOLOGY", "NUMA_TOPOLOGY", "CACHE", "MEM_TOPOLOGY", "HYBRID_TOPOLOGY"]);

const FEATURE_NAMES_61 = [
  "RESERVED",
  "TRACING_DATA",
  "BUILD_ID",
  "HOSTNAME",
  "OSRELEASE",
  "VERSION",
  "ARCH",
  "NRCPUS",
  "CPUDESC",
  "CPUID",
  "TOTAL_MEM",
  "CMDLINE",
  "EVENT_DESC",
  "CPU_TOPOLOGY",
  "NUMA_TOPOLOGY",
  "BRANCH_STACK",
  "PMU_MAPPINGS",
  "GROUP_DESC",
  "AUXTRACE",
  "STAT",
  "CACHE",
  "SAMPLE_TIME",
  "MEM_TOPOLOGY",
  "CLOCKID",
  "DIR_FORMAT",
  "BPF_PROG_INFO",
  "BPF_BTF",
  "COMPRESSED",
  "CPU_PMU_CAPS",
  "CLOCK_DATA",
  "HYBRID_TOPOLOGY",
  "PMU_CAPS",
];

/** perf 6.1's feat_ops row for an id, or undefined when that perf does not know it. */
export function featOp(id: number): FeatOp | undefined {
  if (id <= 0 || id >= PERF61_LAST_FEATURE) return undefined;
  const name = FEATURE_NAMES_61[id];
  return { name, print: printers[name], fullOnly: FULL_ONLY.has(name) };
}

/**
 * The text perf prints for one feature section: the section itself, its "info available"
 * line when it is full_only and `-I` is off, or nothing.
 */
export function printFeature(id: number, value: FeatureValue | undefined, ctx: PrintContext): string {
  const op = featOp(id);
  if (!op?.print) return "";
  if (op.fullOnly && !ctx.full) return `# ${op.name} info available, use -I to display\n`;
  return value ? op.print(value, ctx) : "";
}
