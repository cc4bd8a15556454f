/**
 * `bun run bench`: runs perfkit and perf's own tools on the same large recording in one go and
 * prints wall time, peak memory and the ratios. Not a test: figures depend on the machine.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
/** The CLI as a published package ships it: bundled (packages/cli/scripts/build.ts), built fresh below. */
const BUILD = join(ROOT, "bench/.build");
const CLI = join(BUILD, "main.js");
/** The same CLI run from its TypeScript sources, for one comparison row. */
const CLI_SOURCES = join(ROOT, "packages/cli/src/main.ts");
const DATA = process.env.PERFKIT_BENCH_DATA ?? join(ROOT, "bench/data/big.data");
const DWARF_DATA = process.env.PERFKIT_BENCH_DWARF_DATA ?? join(ROOT, "bench/data/dwarf.data");
const RUNS = Number(process.env.PERFKIT_BENCH_RUNS ?? 3);

interface Measure {
  seconds: number;
  maxRssMB: number;
}

function measure(cmd: string[], runs = RUNS): Measure {
  let best: Measure | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const p = Bun.spawnSync(cmd, { cwd: ROOT, stdout: "ignore", stderr: "pipe" });
    const seconds = (performance.now() - t0) / 1000;
    if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed: ${p.stderr.toString().slice(0, 400)}`);
    // maxRSS is reported in bytes.
    const maxRssMB = (p.resourceUsage?.maxRSS ?? 0) / 1024 / 1024;
    if (!best || seconds < best.seconds) best = { seconds, maxRssMB };
  }
  return best!;
}

const hasCommand = (name: string) => existsSync(join(ROOT, `packages/cli/src/commands/${name}.ts`));

interface Case {
  name: string;
  perfkit: string[];
  baseline: string[];
  baselineName: string;
  /** Baselines that take minutes run once. */
  baselineRuns?: number;
  when?: () => boolean;
}

const PY = "/usr/lib/perf-core/scripts/python";
const CASES: Case[] = [
  {
    name: "full decode (every record, every sample field)",
    perfkit: ["bun", join(ROOT, "bench/decode-all.ts"), DATA],
    baseline: ["perf", "report", "--stats", "-i", DATA],
    baselineName: "perf report --stats",
  },
  {
    name: "report --stats",
    perfkit: ["bun", CLI, "report", "--stats", "-i", DATA],
    baseline: ["perf", "report", "--stats", "-i", DATA],
    baselineName: "perf report --stats",
  },
  {
    name: "script (default output)",
    perfkit: ["bun", CLI, "script", "-i", DATA],
    baseline: ["perf", "script", "-i", DATA],
    baselineName: "perf script",
    when: () => hasCommand("script"),
  },
  {
    name: "folded-stack count (symbolised)",
    perfkit: ["bun", join(ROOT, "bench/folded.ts"), DATA],
    baseline: ["perf", "script", "-s", join(ROOT, "bench/folded.py"), "-i", DATA],
    baselineName: "perf script -s folded.py",
    baselineRuns: 1,
    when: () => existsSync(join(ROOT, "bench/folded.ts")),
  },
  {
    name: "stackcollapse",
    perfkit: ["bun", CLI, "stackcollapse", "-i", DATA],
    baseline: ["perf", "script", "-s", `${PY}/stackcollapse.py`, "-i", DATA],
    baselineName: "perf script -s stackcollapse.py",
    baselineRuns: 1,
    when: () => hasCommand("stackcollapse"),
  },
  {
    name: "stackcollapse, CLI run from its TypeScript sources",
    perfkit: ["bun", CLI_SOURCES, "stackcollapse", "-i", DATA],
    baseline: ["perf", "script", "-s", `${PY}/stackcollapse.py`, "-i", DATA],
    baselineName: "perf script -s stackcollapse.py",
    baselineRuns: 1,
    when: () => hasCommand("stackcollapse"),
  },
  {
    name: "flame graph (-f json)",
    perfkit: ["bun", CLI, "flamegraph", "-f", "json", "-o", "/dev/null", "-i", DATA],
    baseline: ["perf", "script", "-s", `${PY}/flamegraph.py`, "-i", DATA, "--", "-f", "json", "-o", "/dev/null"],
    baselineName: "perf script -s flamegraph.py -f json",
    baselineRuns: 1,
    when: () => hasCommand("flamegraph"),
  },
  {
    name: "export-sqlite",
    perfkit: [
      "bash",
      "-c",
      `rm -f /tmp/perfkit-bench.db && bun ${CLI} export-sqlite -i ${DATA} -o /tmp/perfkit-bench.db`,
    ],
    baseline: [
      "bash",
      "-c",
      `rm -f /tmp/perf-bench.db && perf script -s ${PY}/export-to-sqlite.py -i ${DATA} -- /tmp/perf-bench.db >/dev/null`,
    ],
    baselineName: "perf script -s export-to-sqlite.py",
    baselineRuns: 1,
    when: () => hasCommand("export-sqlite"),
  },
  {
    name: "gecko (Firefox Profiler)",
    perfkit: ["bun", CLI, "gecko", "--save-only", "/dev/null", "-i", DATA],
    baseline: ["perf", "script", "-s", `${PY}/stackcollapse.py`, "-i", DATA],
    baselineName: "perf script -s stackcollapse.py (this perf has no gecko.py)",
    baselineRuns: 1,
    when: () => hasCommand("gecko"),
  },
  {
    // bench/record-dwarf.sh: >=100k samples with --call-graph dwarf,4096 (user regs + stack).
    name: "script on a --call-graph dwarf recording (in-process unwinding)",
    perfkit: ["bun", CLI, "script", "-i", DWARF_DATA],
    baseline: ["perf", "script", "-i", DWARF_DATA],
    baselineName: "perf script",
    when: () => existsSync(DWARF_DATA),
  },
];

{
  const b = Bun.spawnSync(["bun", join(ROOT, "packages/cli/scripts/build.ts"), BUILD], { stderr: "inherit" });
  if (b.exitCode !== 0) process.exit(1);
}
if (!existsSync(DATA)) {
  console.error(`recording ${DATA} (bench/record.sh) …`);
  const r = Bun.spawnSync(["bash", join(ROOT, "bench/record.sh")], { stdout: "inherit", stderr: "inherit" });
  if (r.exitCode !== 0) process.exit(1);
}
const size = Bun.file(DATA).size;
const statsOut = Bun.spawnSync(["perf", "report", "--stats", "-i", DATA]).stdout.toString();
const samples = /SAMPLE events:\s+(\d+)/.exec(statsOut)?.[1] ?? "?";
console.log(`input: ${DATA} (${(size / 1e6).toFixed(1)} MB, ${samples} samples), best of ${RUNS} runs\n`);
console.log("| work | perfkit | baseline | baseline time | speed-up | perfkit peak RSS | baseline peak RSS |");
console.log("|---|---|---|---|---|---|---|");
for (const c of CASES) {
  if (c.when && !c.when()) continue;
  try {
    const a = measure(c.perfkit);
    const b = measure(c.baseline, c.baselineRuns);
    const ratio = b.seconds / a.seconds;
    console.log(
      `| ${c.name} | ${a.seconds.toFixed(2)} s | ${c.baselineName} | ${b.seconds.toFixed(2)} s | ${ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`} | ${a.maxRssMB.toFixed(0)} MB | ${b.maxRssMB.toFixed(0)} MB |`,
    );
  } catch (e) {
    console.log(`| ${c.name} | failed: ${(e as Error).message.split("\n")[0]} | | | | | |`);
  }
}

// The live loop: events drained per second at a high sampling rate, beside perf record.
console.log("\nlive loop (bench/live.ts):");
const live = Bun.spawnSync(["bun", join(ROOT, "bench/live.ts")], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
console.log(live.stdout.toString().trim() || live.stderr.toString().trim());
