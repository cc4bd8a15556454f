/**
 * The cursor's fast paths over runs of samples (nextSample, nextSamples) must visit exactly the
 * records the general next() does, with the same offsets, indices and events.
 */
import { expect, test } from "bun:test";
import { openPerfData } from "../src/index.ts";
import { fixtureNames, fixturePath } from "./_fixtures.ts";

/** (type, offset, index, event name) of every record, by one of three ways of walking. */
function visit(path: string, how: "next" | "nextSample" | "nextSamples"): string[] {
  using file = openPerfData(path);
  const w = file.cursor();
  const out: string[] = [];
  const runs = new Int32Array(7); // small on purpose: runs end mid-window
  for (;;) {
    if (how === "nextSamples") {
      const n = w.nextSamples(runs);
      if (n > 0) {
        const base = w.offset - w.pos;
        for (let k = 0; k < n; k++) {
          const pos = runs[k]!;
          const size = w.view.getUint16(pos + 6, file.littleEndian);
          out.push(`9 ${base + pos} ${w.index - n + 1 + k} ${w.sampleEventAt(pos, size)?.name}`);
        }
        continue;
      }
    } else if (how === "nextSample" && w.nextSample()) {
      out.push(`9 ${w.offset} ${w.index} ${w.event?.name}`);
      continue;
    }
    if (!w.next()) break;
    out.push(`${w.type} ${w.offset} ${w.index} ${w.type === 9 ? w.event?.name : ""}`);
  }
  return out;
}

for (const name of fixtureNames()) {
  test(`${name}: nextSample and nextSamples visit what next() visits`, () => {
    const path = fixturePath(name);
    const all = visit(path, "next");
    expect(all.length).toBeGreaterThan(0);
    expect(visit(path, "nextSample")).toEqual(all);
    expect(visit(path, "nextSamples")).toEqual(all);
  });
}
