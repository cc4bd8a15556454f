/**
 * Where perf's hand-written `perf.pyi` (tools/perf/python/perf.pyi) disagrees with what the code
 * returns, perfkit's declarations follow the code. One test per case: the annotated local pins the
 * declared type (root `tsc --noEmit` fails if it changes), the assertions pin the runtime value,
 * and perf itself is the oracle where it prints the same fact.
 */
import { expect, test } from "bun:test";
import { type Callchain, type CallchainFrame, PerfData, SampleEvent, Session, syscallName } from "@perfkit/session";

const FIXTURES = new URL("../../../tests/fixtures/", import.meta.url).pathname;
const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;

function perf(args: string[]): string {
  const r = Bun.spawnSync(["perf", ...args], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`perf ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** Every sample of a fixture (events own their data, so they outlive the session). */
function samples(fixture: string): SampleEvent[] {
  const out: SampleEvent[] = [];
  using data = new PerfData({ path: `${FIXTURES}${fixture}` });
  using s = new Session(data, { sample: (ev) => void out.push(ev) });
  s.processEvents();
  return out;
}

const plain = samples("plain.data");
let fpSamples: SampleEvent[] | undefined;
const fp = () => (fpSamples ??= samples("fp.data"));

/** The same sample seen through an address space with no maps: an ip nothing resolves. */
function unmapped(ev: SampleEvent): SampleEvent {
  return new SampleEvent(ev.sample, ev.evsel, ev.comm, { kernel: [], user: [] }, ev.tracepoint);
}

test.skipIf(!HAVE_PERF)(
  "dso_bid: perf.pyi says Optional[bytes]; it is a hex string (or null)",
  () => {
    const bid: string | null = plain[0]!.dsoBid;
    expect(typeof bid).toBe("string");
    const known = new Set(
      perf(["buildid-list", "-i", `${FIXTURES}plain.data`])
        .split("\n")
        .map((l) => l.split(" ")[0]),
    );
    for (const ev of plain) {
      expect(ev.dsoBid).toMatch(/^[0-9a-f]{40}$/);
      expect(known.has(ev.dsoBid!)).toBe(true);
    }
    const none: string | null = unmapped(plain[0]!).dsoBid;
    expect(none).toBeNull();
  },
  30000,
);

test.skipIf(!HAVE_PERF)(
  "symbol: perf.pyi says str; it is null where perf prints [unknown]",
  () => {
    const perfUnknown = perf(["script", "-i", `${FIXTURES}plain.data`, "-F", "ip,sym"])
      .split("\n")
      .filter((l) => l.trim().endsWith("[unknown]")).length;
    const nulls = plain.filter((ev) => {
      const sym: string | null = ev.symbol;
      return sym === null;
    });
    expect(perfUnknown).toBeGreaterThan(0);
    expect(nulls.length).toBe(perfUnknown);
  },
  30000,
);

test("dso, dso_long_name: perf.pyi says str; they are null for an ip outside every map", () => {
  const ev = unmapped(plain[0]!);
  const dso: string | null = ev.dso;
  const longName: string | null = ev.dsoLongName;
  expect(dso).toBeNull();
  expect(longName).toBeNull();
  expect(typeof plain[0]!.dso).toBe("string");
}, 30000);

test("map_start/map_end/map_pgoff, sym_start/sym_end: perf.pyi says int; null when unresolved", () => {
  const ev = unmapped(plain[0]!);
  const bounds: (bigint | null)[] = [ev.mapStart, ev.mapEnd, ev.mapPgoff, ev.symStart, ev.symEnd, ev.symoff];
  expect(bounds).toEqual([null, null, null, null, null, null]);
  const resolved = plain.find((e) => e.symbol !== null)!;
  expect(typeof resolved.mapStart).toBe("bigint");
  expect(typeof resolved.symStart).toBe("bigint");
}, 30000);

test("callchain and brstack are null when not recorded (perf.pyi agrees: Optional)", () => {
  const cc: Callchain | null = plain[0]!.callchain;
  expect(cc).toBeNull();
  expect(plain[0]!.brstack).toBeNull();
  expect(fp().every((ev) => ev.callchain !== null && ev.callchain.length > 0)).toBe(true);
}, 30000);

test("callchain frame symbol/dso: perf.pyi says Optional[str]; perfkit gives '[unknown]' (perf script's text)", () => {
  const frames: CallchainFrame[] = fp().flatMap((ev) => [...(ev.callchain ?? [])]);
  const unknown = frames.filter((f) => f.symbol === "[unknown]");
  expect(unknown.length).toBeGreaterThan(0);
  for (const f of frames) {
    const sym: string = f.symbol;
    const dso: string = f.dso;
    expect(typeof sym).toBe("string");
    expect(typeof dso).toBe("string");
  }
}, 30000);

test("raw_buf: perf.pyi says bytes; null for events without PERF_SAMPLE_RAW", () => {
  const raw: Uint8Array | null = plain[0]!.rawBuf;
  expect(raw).toBeNull();
  const tp = samples("tp.data");
  expect(tp[0]!.rawBuf).toBeInstanceOf(Uint8Array);
}, 30000);

test("syscall_name: perf.pyi says str; it is null for a number with no syscall", () => {
  const name: string | null = syscallName(99999, { elfMachine: "x86_64" });
  expect(name).toBeNull();
  expect(syscallName(257, { elfMachine: "x86_64" })).toBe("openat");
}, 30000);

test("sample_addr etc.: perf.pyi says int; undefined when sample_type lacks the field", () => {
  const ev = plain[0]!;
  const addr: bigint | undefined = ev.sampleAddr;
  const weight: bigint | undefined = ev.sampleWeight;
  expect(addr).toBeUndefined();
  expect(weight).toBeUndefined();
  expect(typeof ev.sampleTime).toBe("bigint");
}, 30000);
