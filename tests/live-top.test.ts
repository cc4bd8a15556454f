/** perfkit sctop / rwtop: the live views stop on --count / --duration and count a known workload. */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const MAIN = join(import.meta.dir, "..", "packages", "cli", "src", "main.ts");

describe("live top views", () => {
  test("sctop: one report with sctop.py's header, stopped by --count", () => {
    const r = Bun.spawnSync(["bun", MAIN, "sctop", "1", "--count", "1"], {
      stdout: "pipe",
      stderr: "pipe",
      timeout: 15000,
    });
    expect(r.exitCode).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain("\nsyscall events:\n\n");
    expect(out).toContain(`${"event".padEnd(40)}  ${"count".padStart(10)}\n${"-".repeat(40)}  ${"-".repeat(10)}\n`);
    const rows = out.split("\n").filter((l) => /^\S+\s+\d+$/.test(l));
    expect(rows.length).toBeGreaterThan(2);
  });

  test("rwtop: a dd workload shows up with its reads and writes", async () => {
    const top = Bun.spawn(["bun", MAIN, "rwtop", "5", "--duration", "2000"], { stdout: "pipe", stderr: "pipe" });
    // rwtop may take a while to start on a loaded machine: run whole dd workloads until it
    // stops, so some fall entirely inside its window (its busiest dd row is checked).
    let done = false;
    void top.exited.then(() => {
      done = true;
    });
    while (!done) {
      Bun.spawnSync(["dd", "if=/dev/zero", "of=/dev/null", "bs=4k", "count=300"], { stderr: "ignore" });
      await Bun.sleep(100);
    }
    const out = await new Response(top.stdout).text();
    expect(await top.exited).toBe(0);
    expect(out).toContain("read counts by pid:");
    const dd = out.split("\n").find((l) => /^\s*\d+\s+dd\s+\d+\s+\d+\s+\d+$/.test(l));
    expect(dd).toBeDefined();
    const [, , reads, req, got] = dd!.trim().split(/\s+/).map(Number);
    expect(reads).toBeGreaterThanOrEqual(300);
    expect(req).toBeGreaterThanOrEqual(300 * 4096);
    expect(got).toBeGreaterThanOrEqual(300 * 4096);
    expect(out).toMatch(/\n\s*\d+\s+dd\s+\d{3,}\s+\d+\n/);
  });

  test("bad arguments", () => {
    const r = Bun.spawnSync(["bun", MAIN, "sctop", "a", "b", "c"], { stderr: "pipe" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.toString()).toMatch(/usage/);
  });
});
