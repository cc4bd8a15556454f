/**
 * The live loop's core: wait for readable ring buffers without blocking the event loop, then
 * take at most `maxPerCpu` records from each CPU's buffer per round, so one busy CPU cannot
 * starve the others. Shared by LiveSession and `perfkit record`.
 */
import type { EvList } from "@perfkit/core-ffi";
import { checkArg } from "@perfkit/format";

/** Why a drain loop ended. */
export type StopReason = "stopped" | "aborted" | "target-exited" | "duration";

/** One poll round: the records of every CPU (bytes valid until the next round). */
export interface DrainRound {
  /** Records by CPU, in CPU order; each at most `maxPerCpu` long. */
  perCpu: { cpu: number; records: Uint8Array[] }[];
  /** Total records in the round. */
  count: number;
}

/** Options of {@link drainRounds}. */
export interface DrainOptions {
  /** Cap of records taken from one CPU's buffer per round (default 1000). */
  maxPerCpu?: number;
  /** Ends the loop (after the current round). */
  signal?: AbortSignal;
  /** Ends the loop after this many milliseconds. */
  durationMs?: number;
  /** Checked before each wait: return true to stop (for example SIGINT or stop()). */
  shouldStop?: () => boolean;
  /** Longest single wait in ms before re-checking the stop conditions (default 100). */
  waitMs?: number;
}

/** The result a drain loop reports through its `end` callback. */
export interface DrainEnd {
  reason: StopReason;
}

/**
 * Yields poll rounds until stopped. The caller owns the EvList (opened, mmapped, enabled) and
 * closes it. When every buffer hung up (the followed process and its children exited) the
 * loop drains what is left and ends with "target-exited"; it never spins: a poll that reports
 * readiness without data is followed by a short sleep.
 */
export async function* drainRounds(
  list: EvList,
  options: DrainOptions = {},
  end: DrainEnd = { reason: "stopped" },
): AsyncGenerator<DrainRound, void, undefined> {
  checkArg(typeof options === "object" && options !== null, "options", "an object", options);
  const max = options.maxPerCpu ?? 1000;
  checkArg(Number.isInteger(max) && max > 0, "options.maxPerCpu", "a positive integer", max);
  const { signal, durationMs, shouldStop } = options;
  checkArg(
    durationMs === undefined || (typeof durationMs === "number" && durationMs >= 0),
    "options.durationMs",
    "a non-negative number",
    durationMs,
  );
  const waitMs = options.waitMs ?? 100;
  const deadline = durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + durationMs;
  const cpus = [...new Set(list.rings.map((r) => r.cpu))].sort((a, b) => a - b);
  const nRings = list.rings.length;
  for (;;) {
    if (signal?.aborted) {
      end.reason = "aborted";
      return;
    }
    if (shouldStop?.()) {
      end.reason = "stopped";
      return;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      end.reason = "duration";
      return;
    }
    const ready = await list.wait(Math.min(waitMs, left), { signal, intervalMs: 2 });
    const round: DrainRound = { perCpu: [], count: 0 };
    for (const cpu of cpus) {
      const records = list.readBatchOnCpu(cpu, max);
      if (records.length === 0) continue;
      round.perCpu.push({ cpu, records });
      round.count += records.length;
    }
    if (round.count > 0) {
      yield round;
      // wait() resolves without a macrotask when data is ready; under a steady stream that
      // would starve timers and signal handlers (the consumer's report timer, SIGINT).
      await new Promise<void>((resolve) => setImmediate(resolve));
    } else if (ready > 0) {
      if (list.hangups >= nRings) {
        end.reason = "target-exited";
        return;
      }
      // Readable but empty (an error or partial hang-up): back off instead of spinning.
      await Bun.sleep(5);
    }
  }
}
