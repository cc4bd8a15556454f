import { describe, expect, test } from "bun:test";
import { CpuMap, EvList, Evsel, parseEventSpecs, parseEvents, RingBuffer } from "@perfkit/core-ffi";
import { RecordType } from "@perfkit/format";

/** Just the record header: type and size (the full decoder belongs to @perfkit/format). */
function header(rec: Uint8Array): { type: number; size: number; view: DataView } {
  const view = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  return { type: view.getUint32(0, true), size: view.getUint16(6, true), view };
}

const WRAP_TYPES: number[] = [RecordType.SAMPLE, RecordType.LOST, RecordType.THROTTLE, RecordType.UNTHROTTLE];

function burn(ms: number): number {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x++;
  return x;
}

/** Drains every buffer of a list into an array of copies. */
function drain(list: EvList): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const r of list.rings)
    for (let rec = list.readOnCpu(r.cpu); rec; rec = list.readOnCpu(r.cpu)) out.push(rec.slice());
  return out;
}

describe("sampling through ring buffers", () => {
  test("cpu-clock samples of this process arrive with our pid", () => {
    using list = parseEvents("cpu-clock", new CpuMap(), process.pid);
    list.config({ freq: 1000 });
    list.open();
    list.mmap(16);
    list.enable();
    burn(200);
    list.disable();
    expect(list.poll(0)).toBeGreaterThan(0);
    const first = list.readBatchOnCpu(list.rings[0]!.cpu, 5);
    expect(first.length).toBeLessThanOrEqual(5);
    const recs = [...first.map((r) => r.slice()), ...drain(list)];
    const samples = recs.map(header).filter((h) => h.type === RecordType.SAMPLE);
    expect(samples.length).toBeGreaterThan(20);
    for (const s of samples) {
      expect(s.size).toBe(s.view.byteLength);
      // sample_type IP|TID|TIME|ID|CPU|PERIOD: header (8), ip (8), then pid, tid.
      expect(s.view.getUint32(16, true)).toBe(process.pid);
    }
    const id = samples[0]!.view.getBigUint64(32, true);
    expect(list.evselForId(id)?.name).toBe("cpu-clock");
  });

  test("a child workload: comm from exec, then samples with its pid (per-thread buffer)", async () => {
    const child = Bun.spawn(["sh", "-c", "read _; exec dd if=/dev/zero of=/dev/null bs=4k count=400000"], {
      stdin: "pipe",
      stderr: "ignore",
    });
    using list = parseEvents("cpu-clock", CpuMap.any(), child.pid);
    list.config({ period: 1_000_000, enableOnExec: true });
    list.open();
    list.mmap(64);
    child.stdin.write("\n");
    await child.stdin.end();
    const recs: Uint8Array[] = [];
    let done = false;
    child.exited.then(() => {
      done = true;
    });
    while (!done) {
      await list.wait(50);
      recs.push(...drain(list));
    }
    recs.push(...drain(list));
    const hs = recs.map(header);
    const comm = hs.find((h) => h.type === RecordType.COMM);
    expect(comm).toBeDefined();
    const name = new TextDecoder()
      .decode(new Uint8Array(comm!.view.buffer, comm!.view.byteOffset + 16, 16))
      .split("\0")[0];
    expect(name).toBe("dd");
    const samples = hs.filter((h) => h.type === RecordType.SAMPLE);
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) expect(s.view.getUint32(16, true)).toBe(child.pid);
  });

  test("tracepoint sched:sched_process_exec: one sample per exec, with raw data", async () => {
    using list = parseEvents("sched:sched_process_exec");
    list.config();
    list.open();
    list.mmap(8);
    list.enable();
    const pids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const p = Bun.spawn(["true"]);
      pids.push(p.pid);
      await p.exited;
    }
    await list.wait(200);
    const samples = drain(list)
      .map(header)
      .filter((h) => h.type === RecordType.SAMPLE);
    const seen = samples.map((s) => s.view.getUint32(16, true));
    for (const pid of pids) expect(seen).toContain(pid);
    // IP TID TIME ID CPU PERIOD RAW: the raw size u32 follows the 48 fixed bytes after the header.
    for (const s of samples) expect(s.view.getUint32(56, true)).toBeGreaterThan(8);
  });

  test("a one-page buffer wraps: records split across the end are joined whole", () => {
    const ev = new Evsel(parseEventSpecs("cpu-clock")[0]!);
    using list = new EvList(CpuMap.any(), process.pid);
    list.add(ev);
    list.config({ period: 50_000, inherit: false });
    list.open();
    list.mmap(1);
    const ring = list.rings[0]!.ring;
    list.enable();
    let bytes = 0;
    let count = 0;
    let batches = 0;
    const end = Date.now() + 300;
    while (Date.now() < end) {
      burn(2);
      const batch = batches++ % 2 === 0 ? ring.readBatch(10) : [ring.read()].filter((r) => r !== null);
      for (const rec of batch) {
        const h = header(rec!);
        expect(h.size).toBe(rec!.byteLength);
        expect(WRAP_TYPES).toContain(h.type);
        if (h.type === RecordType.SAMPLE) expect(h.view.getUint32(16, true)).toBe(process.pid);
        bytes += h.size;
        count++;
      }
    }
    list.disable();
    expect(ring.dataSize).toBe(4096);
    // 56-byte samples do not divide 4096, so passing the end several times splits records.
    expect(bytes).toBeGreaterThan(3 * ring.dataSize);
    expect(count).toBeGreaterThan(100);
  });

  test("readOnCpu errors name the CPU; wait() leaves the event loop running", async () => {
    using list = parseEvents("cpu-clock", "0", process.pid);
    list.config();
    list.open();
    expect(() => list.readOnCpu(0)).toThrow(/cpu 0 has no ring buffer.*call mmap\(\) first/);
    list.mmap(4);
    expect(() => list.readOnCpu(1)).toThrow(/cpu 1 has no ring buffer .*buffers on cpus: 0/);
    expect(() => list.readOnCpu(1.5)).toThrow(TypeError);
    expect(list.pollFds()).toHaveLength(1);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const ready = await list.wait(100);
    clearInterval(timer);
    expect(ready).toBe(0);
    expect(ticks).toBeGreaterThan(5);
    const ac = new AbortController();
    ac.abort();
    expect(await list.wait(10_000, { signal: ac.signal })).toBe(0);
  });

  test("RingBuffer.map directly, and the AUX area fails cleanly on an event without AUX", () => {
    using ev = new Evsel(
      { type: 1, config: 0n, samplePeriod: 100_000n, sampleType: 1, disabled: true },
      { name: "cpu-clock" },
    );
    ev.open({ threads: process.pid });
    using ring = RingBuffer.map(ev.fd(-1, process.pid), 2, { tid: process.pid });
    expect(ring.available()).toBe(0);
    expect(ring.read()).toBeNull();
    expect(() => ring.mapAux(2)).toThrow(/mmap of the AUX area.*(EINVAL|EOPNOTSUPP)/);
    ring.close();
    expect(ring.closed).toBe(true);
    expect(() => ring.read()).toThrow(/closed/);
  });
});
