/**
 * A truncated recording: the commands deliver what was valid before the damage (checked
 * against perf's output for the intact file), then say where it ends in one line, status 1.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, perf, perfkit } from "./helpers/perf.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-damage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("perfkit script on a cut-short file prints the samples before the cut, then one error line", () => {
  const whole = readFileSync(fixture("fp.data"));
  const cut = join(dir, "cut.data");
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const want = perf(["script", "-i", fixture("fp.data")]).stdout;
  const got = perfkit(["script", "-i", cut]);
  expect(got.code).toBe(1);
  expect(got.stderr.trim().split("\n")).toHaveLength(1);
  expect(got.stderr).toMatch(/offset 0x[0-9a-f]+, record #\d+/);
  // Whole samples (blank-line separated blocks) before the cut, each one as perf prints it.
  const blocks = got.stdout.split("\n\n").filter((b) => b.trim());
  expect(blocks.length).toBeGreaterThan(50);
  const wanted = new Set(want.split("\n\n"));
  for (const b of blocks) expect(wanted.has(b)).toBe(true);
});
