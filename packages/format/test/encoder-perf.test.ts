/**
 * Files this machine cannot record (big-endian, pipe mode rebuilt, zstd rebuilt) are built with
 * perfkit's encoder from real recordings; perf itself must read them exactly like the
 * originals, and perfkit must agree with perf on them.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPerfData, transcode } from "../src/index.ts";
import { fixturePath } from "./_fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-enc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const perf = (args: string[]) => {
  const p = Bun.spawnSync(["perf", ...args]);
  return { out: p.stdout.toString(), err: p.stderr.toString(), code: p.exitCode };
};
const perfkitStats = (path: string) => {
  const p = Bun.spawnSync(["bun", join(import.meta.dir, "../../cli/src/main.ts"), "report", "--stats", "-i", path]);
  return p.stdout.toString();
};

const CASES: [fixture: string, opts: { littleEndian: boolean; mode?: "file" | "pipe"; compress?: boolean }][] = [
  ["fp.data", { littleEndian: false }],
  ["multi.data", { littleEndian: false }],
  ["switch.data", { littleEndian: false }],
  ["sys.data", { littleEndian: false }],
  ["fp.data", { littleEndian: true, compress: true }],
  ["fp.data", { littleEndian: false, compress: true }],
];

describe("encoder output read by perf", () => {
  for (const [name, opts] of CASES) {
    const label = `${name} → ${opts.littleEndian ? "LE" : "BE"}${opts.compress ? " zstd" : ""}`;
    test(label, () => {
      using src = openPerfData(fixturePath(name));
      const out = join(dir, `${label.replace(/\W+/g, "_")}.data`);
      writeFileSync(out, transcode(src, opts));
      const origScript = perf(["script", "-i", fixturePath(name)]);
      const newScript = perf(["script", "-i", out]);
      expect(newScript.err).toBe(origScript.err);
      expect(newScript.out).toBe(origScript.out);
      const newStats = perf(["report", "--stats", "-i", out]);
      expect(newStats.code).toBe(0);
      expect(perfkitStats(out)).toBe(newStats.out);
    });
  }

  test("big-endian file decodes to the same samples as the original", () => {
    using src = openPerfData(fixturePath("fp.data"));
    const be = openPerfData(transcode(src, { littleEndian: false }));
    expect(be.littleEndian).toBe(false);
    const a = [...src.records()].filter((r) => r.type === 9).map((r) => r.sample().toJSON());
    const b = [...be.records()].filter((r) => r.type === 9).map((r) => r.sample().toJSON());
    expect(b).toEqual(a);
    expect(be.events[0].attr).toEqual(src.events[0].attr);
  });

  test("pipe mode rebuilt from a file decodes to the same records", () => {
    using src = openPerfData(fixturePath("multi.data"));
    const pipe = openPerfData(transcode(src, { littleEndian: true, mode: "pipe" }));
    expect(pipe.mode).toBe("pipe");
    const kinds = (f: typeof src) =>
      [...f.records()].filter((r) => r.type < 64).map((r) => (r.type === 9 ? r.sample().toJSON() : r.decode()));
    expect(kinds(pipe)).toEqual(kinds(src));
    expect(pipe.events.map((e) => pipe.eventName(e))).toEqual(src.events.map((e) => src.eventName(e)));
  });
});
