/**
 * `perfkit dump` shows every record like `perf report -D`: the same record headers (offset,
 * size, type) and raw hexdumps, in the same (time-ordered) sequence, followed by a decoded
 * summary in perfkit's words. perf shows the inner records of a COMPRESSED chunk but not the
 * chunk, and no HEADER_ATTR of pipe input: those blocks are dropped from ours before comparing.
 */
import { describe, expect, test } from "bun:test";
import { fixture, fixtures, perf, perfkit } from "./helpers/perf.ts";

/** The `0x…: event: N` header and raw dump of each record block. */
function blocks(text: string, dropTypes: number[] = []): string[] {
  const out: string[] = [];
  for (const chunk of text.split(/\n(?=0x[0-9a-f]+@)/)) {
    const m = /^0x[0-9a-f]+@\S+ \[0x[0-9a-f]+\]: event: (\d+)/.exec(chunk);
    if (!m || dropTypes.includes(Number(m[1]))) continue;
    out.push(
      chunk
        .split("\n")
        .filter((l) => l.startsWith("0x") || l === "." || l.startsWith(". "))
        .join("\n"),
    );
  }
  return out;
}

const NO_ORACLE = new Set(["pipe-tp.data"]); // perf 6.1 fails on this pipe stream itself

describe("dump matches perf report -D record by record", () => {
  for (const name of fixtures()) {
    test.skipIf(NO_ORACLE.has(name))(name, () => {
      const want = perf(["report", "-D", "-i", fixture(name)]);
      const got = perfkit(["dump", "-i", fixture(name)]);
      expect(got.code).toBe(0);
      expect(blocks(got.stdout, [81, 64])).toEqual(blocks(want.stdout));
    });
  }

  test("--json gives one object per record with decoded fields", () => {
    const got = perfkit(["dump", "--json", "--file-order", "-i", fixture("fp.data")]);
    const lines = got.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const stats = perf(["report", "--stats", "-i", fixture("fp.data")]).stdout;
    const total = Number(/TOTAL events:\s+(\d+)/.exec(stats)![1]);
    expect(lines).toHaveLength(total);
    const sample = lines.find((l) => l.name === "SAMPLE");
    expect(typeof sample.record.ip).toBe("string");
    expect(Array.isArray(sample.record.callchain)).toBe(true);
  });
});
