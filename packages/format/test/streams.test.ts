/**
 * Inputs beyond plain files: FIFOs and pipe fds, small read windows (records straddling every
 * boundary), COMPRESSED2 records (perf ≥ 6.16, including its wrapped header.size bug), and
 * record types this decoder does not know.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ByteWriter,
  encodeUserRecord,
  openPerfData,
  type PerfRecord,
  RecordType,
  transcode,
  writePerfData,
} from "../src/index.ts";
import { fixtureNames, fixturePath } from "./_fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-streams-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const summary = (recs: Iterable<PerfRecord>) =>
  [...recs].map((r) => `${r.index}:${r.type}:${r.offset}:${r.size}:${r.type === 9 ? r.sample().callchainLength : 0}`);

describe("read windows", () => {
  for (const name of fixtureNames()) {
    test(`${name}: 64-byte windows give the same records as 4 MiB ones`, () => {
      using a = openPerfData(fixturePath(name));
      using b = openPerfData(fixturePath(name), { windowSize: 64 });
      expect(summary(b.records())).toEqual(summary(a.records()));
    });
  }
});

describe("pipes", () => {
  test("a FIFO path and a pipe fd stream the pipe-mode recording", async () => {
    const fifo = join(dir, "fifo");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    using want = openPerfData(fixturePath("pipe.data"));
    const expected = summary(want.records());
    for (const how of ["path", "fd"] as const) {
      const writer = Bun.spawn(["sh", "-c", `cat '${fixturePath("pipe.data")}' > '${fifo}'`]);
      const file = how === "path" ? openPerfData(fifo) : openPerfData({ fd: openSync(fifo, "r") });
      expect(file.mode).toBe("pipe");
      expect(summary(file.records())).toEqual(expected);
      file.close();
      await writer.exited;
    }
  });

  test("a pipe-mode stream can be read only once", () => {
    using f = openPerfData(fixturePath("pipe.data"));
    [...f.records()];
    expect(f.mode).toBe("pipe");
  });
});

describe("COMPRESSED2", () => {
  /** zstd.data's records re-encoded into COMPRESSED2 chunks, optionally with perf's wrapped-size bug. */
  function asCompressed2(sizeBug: boolean): Uint8Array {
    using src = openPerfData(fixturePath("zstd.data"));
    // transcode without compression gives the plain record stream (inner records inlined).
    using plain = openPerfData(transcode(src, { littleEndian: true }));
    const inner = new ByteWriter(true);
    const outer: Uint8Array[] = [];
    for (const rec of plain.records()) inner.bytes(rec.recordBytes);
    const z = Bun.zstdCompressSync(inner.finish());
    // Small chunks so records straddle COMPRESSED2 boundaries.
    for (let at = 0; at < z.length; at += 1000) {
      const chunk = z.subarray(at, at + 1000);
      const r = encodeUserRecord({ kind: "COMPRESSED2", data: chunk }, true);
      if (sizeBug) {
        // perf ≥ 6.16 bug (a): header.size wrapped to 0, data_size right, no padding written.
        new DataView(r.buffer).setUint16(6, 0, true);
        outer.push(r.subarray(0, 16 + chunk.length));
      } else outer.push(r);
    }
    return writePerfData({
      events: plain.events.map((e) => ({ attr: e.attr, ids: e.ids, name: plain.eventName(e) })),
      records: outer,
    });
  }

  for (const bug of [false, true]) {
    test(`decodes COMPRESSED2${bug ? " with header.size wrapped to 0" : ""} like COMPRESSED`, () => {
      using orig = openPerfData(fixturePath("zstd.data"));
      const kinds = (recs: Iterable<PerfRecord>) =>
        [...recs].filter((r) => r.type < 64).map((r) => (r.type === 9 ? r.sample().toJSON() : r.decode()));
      const want = kinds(orig.records());
      using f = openPerfData(asCompressed2(bug));
      const all = [...f.records()];
      expect(all.filter((r) => r.type === RecordType.COMPRESSED2).length).toBeGreaterThan(2);
      expect(kinds(all)).toEqual(want);
    });
  }
});

describe("unknown record types", () => {
  test("are passed through as UNKNOWN and do not stop the walk", () => {
    const bytes = new Uint8Array(readFileSync(fixturePath("pipe.data")));
    const w = new ByteWriter(true);
    w.bytes(bytes.subarray(0, 16));
    // A future kernel type and a future perf type, each 24 bytes.
    for (const type of [40, 120]) w.u32(type).u16(0).u16(24).u64(0x1234n).u64(0x5678n);
    w.bytes(bytes.subarray(16));
    using f = openPerfData(w.finish());
    const recs = [...f.records()];
    const unknown = recs.filter((r) => r.type === 40 || r.type === 120);
    expect(unknown).toHaveLength(2);
    for (const r of unknown) expect(r.decode().kind).toBe("UNKNOWN");
    using g = openPerfData(fixturePath("pipe.data"));
    expect(recs.length).toBe([...g.records()].length + 2);
  });
});
