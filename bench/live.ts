/**
 * Live-loop benchmark (not a test): drains cpu-clock samples of a CPU-bound workload at a high
 * rate through LiveSession and compares with `perf record` on the same workload: events per
 * second delivered, and lost events. Run: `bun bench/live.ts [FREQ]`.
 */
import { LiveSession } from "@perfkit/live";

const FREQ = Number(process.argv[2] ?? 20000);
const WORK = ["dd", "if=/dev/zero", "of=/dev/null", "bs=1k", "count=2000000"];

async function perfkitRun(): Promise<{ samples: number; lost: bigint; secs: number; rounds: number }> {
  const child = Bun.spawn(["sh", "-c", 'read _; exec "$@"', "sh", ...WORK], { stdin: "pipe", stderr: "ignore" });
  const t0 = performance.now();
  let n = 0;
  const live = new LiveSession("cpu-clock", () => void n++, {
    pid: child.pid,
    freq: FREQ,
    onReady: () => {
      child.stdin.write("\n");
      child.stdin.end();
    },
  });
  const st = await live.run({ signal: AbortSignal.timeout(60000) });
  await child.exited;
  return { samples: n, lost: st.lost, secs: (performance.now() - t0) / 1000, rounds: st.rounds };
}

function perfRun(): { samples: number; lost: number; secs: number } {
  const t0 = performance.now();
  Bun.spawnSync(
    ["perf", "record", "-q", "-F", String(FREQ), "-e", "cpu-clock", "-o", "/tmp/perfkit-bench.data", "--", ...WORK],
    {
      stderr: "ignore",
    },
  );
  const secs = (performance.now() - t0) / 1000;
  const stats = Bun.spawnSync(["perf", "report", "--stats", "-i", "/tmp/perfkit-bench.data"]).stdout.toString();
  const samples = Number(/SAMPLE events:\s+(\d+)/.exec(stats)?.[1] ?? 0);
  const lost = Number(/LOST events:\s+(\d+)/.exec(stats)?.[1] ?? 0);
  return { samples, lost, secs };
}

const mine = await perfkitRun();
const perf = perfRun();
console.log(`freq ${FREQ} Hz, workload: ${WORK.join(" ")}`);
console.log(
  `perfkit LiveSession: ${mine.samples} samples in ${mine.secs.toFixed(3)} s = ${(mine.samples / mine.secs).toFixed(0)} events/s, lost ${mine.lost}, rounds ${mine.rounds}`,
);
console.log(
  `perf record:         ${perf.samples} samples in ${perf.secs.toFixed(3)} s = ${(perf.samples / perf.secs).toFixed(0)} events/s, lost records ${perf.lost}`,
);
