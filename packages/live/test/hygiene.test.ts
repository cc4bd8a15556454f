import { describe, expect, test } from "bun:test";
import { LiveSession } from "@perfkit/live";
import { DD, expectReleased, resources, workload } from "./helpers.ts";

/**
 * Runs `fn` and checks that perf fds and perf mappings are the same before and after, and that
 * the total fd count did not grow (it may shrink: Bun reaps earlier workloads' pipes late).
 */
async function same(fn: () => Promise<void>): Promise<void> {
  const before = resources();
  await fn();
  await expectReleased(before);
}

describe("LiveSession releases every fd and mapping", () => {
  test("a throwing callback: the same error reaches the caller", async () => {
    await same(async () => {
      const w = workload(DD);
      const boom = new Error("boom");
      const live = new LiveSession(
        "cpu-clock",
        () => {
          throw boom;
        },
        { pid: w.pid, onReady: w.go },
      );
      let caught: unknown;
      try {
        await live.run();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(boom);
      expect(live.stats.stopReason).toBe("error");
      w.kill();
      await w.exited;
    });
  });

  test("an async callback's rejection also ends the session", async () => {
    await same(async () => {
      const w = workload(DD);
      const live = new LiveSession("cpu-clock", async () => Promise.reject(new RangeError("late")), {
        pid: w.pid,
        onReady: w.go,
      });
      await expect(live.run()).rejects.toThrow(RangeError);
      w.kill();
      await w.exited;
    });
  });

  test("abort through run({ signal }) and through options.signal", async () => {
    await same(async () => {
      const ac = new AbortController();
      const live = new LiveSession("cpu-clock", () => {}, { onReady: () => setTimeout(() => ac.abort(), 150) });
      const stats = await live.run({ signal: ac.signal });
      expect(stats.stopReason).toBe("aborted");
      const live2 = new LiveSession("cpu-clock", () => {}, { signal: AbortSignal.timeout(100) });
      expect((await live2.run()).stopReason).toBe("aborted");
    });
  });

  test("an exception thrown inside for await closes everything", async () => {
    await same(async () => {
      const live = new LiveSession("cpu-clock", null, { freq: 1000 });
      const err = new Error("inside loop");
      let caught: unknown;
      try {
        for await (const _ of live) throw err;
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(err);
    });
  });

  test("SIGINT stops the session instead of the process", async () => {
    await same(async () => {
      const live = new LiveSession("cpu-clock", () => {}, {
        onReady: () => setTimeout(() => process.kill(process.pid, "SIGINT"), 100),
      });
      const stats = await live.run({ signal: AbortSignal.timeout(5000) });
      expect(stats.stopReason).toBe("sigint");
    });
  });

  test("an OS error while opening (no such process) ends the session cleanly", async () => {
    await same(async () => {
      const live = new LiveSession("cpu-clock", () => {}, { pid: 0x3ffffff0 });
      await expect(live.run()).rejects.toThrow(/ESRCH/);
      expect(live.stats.stopReason).toBe("error");
    });
  });

  test("a failing event in a list releases the ones already opened", async () => {
    await same(async () => {
      // cycles needs a PMU this machine does not have: cpu-clock is opened first, then released.
      const live = new LiveSession("cpu-clock,cycles", () => {}, { durationMs: 100 });
      await expect(live.run()).rejects.toThrow();
    });
  });

  test("stop() ends a running session; a session can run again", async () => {
    await same(async () => {
      let n = 0;
      const live = new LiveSession(
        "cpu-clock",
        () => {
          if (++n === 3) live.stop();
        },
        { freq: 4000 },
      );
      const w = workload(DD);
      w.go();
      expect((await live.run({ signal: AbortSignal.timeout(5000) })).stopReason).toBe("stopped");
      expect((await live.run({ signal: AbortSignal.timeout(100) })).stopReason).toMatch(/stopped|aborted/);
      await w.exited;
    });
  });
});

describe("arguments and CPUs", () => {
  test("bad event strings and argument types give clear errors", () => {
    expect(() => new LiveSession("no-such-event", () => {})).toThrow(/no-such-event/);
    expect(() => new LiveSession("cpu-clock:zz", () => {})).toThrow();
    expect(() => new LiveSession(42 as unknown as string, () => {})).toThrow(TypeError);
    expect(() => new LiveSession("", () => {})).toThrow(/events/);
    expect(() => new LiveSession("cpu-clock", 1 as unknown as () => void)).toThrow(/callback/);
    expect(() => new LiveSession("cpu-clock", null, { freq: "9" as unknown as number })).toThrow(/options.freq/);
    expect(() => new LiveSession("cpu-clock", null, { pid: -3 })).toThrow(/options.pid/);
    expect(() => new LiveSession("cpu-clock", null, { maxPerCpuPerRound: 0 })).toThrow(/maxPerCpuPerRound/);
    expect(() => new LiveSession("cpu-clock", null, { pages: 3 })).toThrow(/options.pages/);
    expect(() => new LiveSession("cpu-clock", null, { freq: 10, period: 10 })).toThrow(TypeError);
    expect(() => new LiveSession("cpu-clock", null, { cpus: {} as unknown as string })).toThrow(/options.cpus/);
  });

  test("run() without a callback says to use for await", async () => {
    await expect(new LiveSession("cpu-clock").run()).rejects.toThrow(/for await/);
  });

  test("offline CPUs in the list are left out and reported", async () => {
    const online = Number(Bun.spawnSync(["nproc"]).stdout.toString().trim());
    await same(async () => {
      const live = new LiveSession("cpu-clock", () => {}, { cpus: "0-255", durationMs: 100 });
      const stats = await live.run();
      expect(stats.offlineCpus.length).toBe(256 - online);
      expect(stats.stopReason).toBe("duration");
    });
  });
});
