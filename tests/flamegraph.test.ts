/**
 * `perfkit flamegraph`: `-f json` byte for byte against perf's flamegraph.py (run through
 * `perf script -s` at test time) on every fixture with samples and on a recording with a
 * hostile comm built by perfkit's encoder; the HTML page carries no markup from names; and
 * headless Chromium (Debian's package) renders the page offline and zooms on a click.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emptyAttr, encodeKernelRecord, encodeSample, SampleType, writePerfData } from "@perfkit/format";
import { fixture, perfkit, run } from "./helpers/perf.ts";

// perf and perfkit runs share two cores with other work: allow for a loaded machine.
setDefaultTimeout(60_000);

const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;
const SCRIPT = "/usr/lib/perf-core/scripts/python/flamegraph.py";
const HAVE_SCRIPT = HAVE_PERF && existsSync(SCRIPT);
const CHROMIUM = "/usr/bin/chromium";
/** playwright-core is a dev dependency of the CLI package: load it from there. */
const PLAYWRIGHT = join(import.meta.dir, "..", "packages", "cli", "node_modules", "playwright-core", "index.mjs");
const FIXTURES = ["fp", "plain", "multi", "sys", "switch", "tp", "zstd", "pipe", "inject"];

const dir = mkdtempSync(join(tmpdir(), "perfkit-flamegraph-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A command name that is markup and JSON trouble at once. */
const HOSTILE_COMM = `<img src=x onerror="window.__pwned=1"></script>"\\é☃`;

/** 30 samples of pid 42 under the hostile comm, with two-frame user callchains. */
function writeHostileRecording(path: string): void {
  const attr = {
    ...emptyAttr(),
    type: 1,
    samplePeriod: 1000n,
    sampleType: SampleType.IP | SampleType.TID | SampleType.TIME | SampleType.PERIOD | SampleType.CALLCHAIN,
    sampleIdAll: true,
  };
  const records = [
    encodeKernelRecord(
      { kind: "COMM", pid: 42, tid: 42, comm: HOSTILE_COMM, exec: false, sampleId: { pid: 42, tid: 42, time: 1n } },
      attr,
      true,
    ),
  ];
  const USER = 0xfffffffffffffe00n;
  for (let s = 0; s < 30; s++) {
    const ip = 0x401000n + BigInt(s % 3);
    records.push(
      encodeSample(
        attr,
        { ip, pid: 42, tid: 42, time: 1000n + BigInt(s), period: 1000n, callchain: [USER, ip, 0x402000n] },
        2,
        true,
      ),
    );
  }
  writeFileSync(path, writePerfData({ littleEndian: true, events: [{ attr, ids: [], name: "cpu-clock" }], records }));
}
const HOSTILE = join(dir, "hostile.data");
writeHostileRecording(HOSTILE);

function perfJson(file: string, extra: string[] = []): string {
  const r = run(["perf", "script", "-s", SCRIPT, "-i", file, "--", "-f", "json", "-o", "-", ...extra], {});
  expect(r.code).toBe(0);
  return r.stdout;
}

describe.skipIf(!HAVE_SCRIPT)("perfkit flamegraph -f json = flamegraph.py -f json", () => {
  for (const name of FIXTURES)
    test(name, () => {
      const got = perfkit(["flamegraph", "-f", "json", "-o", "-", "-i", fixture(`${name}.data`)]);
      expect(got.code).toBe(0);
      expect(got.stdout).toBe(perfJson(fixture(`${name}.data`)));
    });
  test("hostile comm: same escaping as Python's json.dumps", () => {
    const got = perfkit(["flamegraph", "-f", "json", "-o", "-", "-i", HOSTILE]);
    const want = perfJson(HOSTILE);
    expect(got.stdout).toBe(want);
    expect(JSON.parse(got.stdout).c[0].n).toBe(`${HOSTILE_COMM} (42)`);
  });
  test("-o FILE writes the file", () => {
    const out = join(dir, "fp.json");
    const got = perfkit(["flamegraph", "-f", "json", "-o", out, "-i", fixture("fp.data")]);
    expect(got.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(perfJson(fixture("fp.data")));
  });
});

describe("perfkit flamegraph html", () => {
  test("self-contained: viewer inlined, no external resource, header included", () => {
    const r = perfkit(["flamegraph", "-o", "-", "-i", fixture("fp.data")]);
    expect(r.code).toBe(0);
    const html = r.stdout;
    expect(html).toContain("perfkitFlamegraph");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toContain("# hostname");
  });
  test("hostile names never become markup", () => {
    const html = perfkit(["flamegraph", "-o", "-", "-i", HOSTILE]).stdout;
    expect(html).not.toContain("<img");
    expect(html).not.toContain('onerror="');
    // Exactly the page's own closing script tags: none came from the data.
    expect(html.match(/<\/script>/g)?.length).toBe(3);
  });
  test("multiple events: one track per event plus all events", () => {
    const html = perfkit(["flamegraph", "-o", "-", "-i", fixture("multi.data")]).stdout;
    const data = JSON.parse(/<script type="application\/json" id="flamegraph-data">(.*?)<\/script>/s.exec(html)![1]!);
    expect(data.tracks.length).toBeGreaterThan(2);
    const total = data.tracks.slice(1).reduce((a: number, t: { samples: number }) => a + t.samples, 0);
    expect(total).toBe(data.tracks[0].samples);
  });
  test("-e picks one event; an unknown one is a one-line error", () => {
    const one = perfkit(["flamegraph", "-f", "json", "-o", "-", "-e", "page-faults", "-i", fixture("multi.data")]);
    expect(one.code).toBe(0);
    const bad = perfkit(["flamegraph", "-e", "nope", "-o", "-", "-i", fixture("multi.data")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("nope");
  });
  test("bad options and missing input: one line, status 1", () => {
    for (const args of [
      ["-f", "svg"],
      ["--colorscheme", "red"],
      ["-i", join(dir, "missing.data")],
    ]) {
      const r = perfkit(["flamegraph", "-o", "-", "-i", fixture("fp.data"), ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

/** The slice of playwright-core's API this test drives (the package is the CLI's dev dependency). */
interface Launcher {
  launch(o: { executablePath: string; args: string[] }): Promise<Browser>;
}
interface Browser {
  newPage(o: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}
/** A DOM element as the page callbacks see it (no DOM lib in this project's typings). */
interface El {
  getAttribute(name: string): string | null;
}
interface Page {
  on(ev: "request", f: (r: { url(): string }) => void): void;
  on(ev: "pageerror", f: (e: Error) => void): void;
  goto(url: string): Promise<unknown>;
  waitForSelector(sel: string): Promise<unknown>;
  waitForTimeout(ms: number): Promise<void>;
  click(sel: string): Promise<void>;
  $eval<R>(sel: string, f: (e: El) => R): Promise<R>;
  $$eval<R>(sel: string, f: (e: El[]) => R): Promise<R>;
  evaluate<R>(f: () => R): Promise<R>;
}

const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`flamegraph: ${CHROMIUM} is missing (apt-get install chromium): browser test skipped`);

describe.skipIf(!HAVE_CHROMIUM)("flame graph in headless Chromium", () => {
  test("renders frames offline, zooms on a click, runs no injected script", async () => {
    const { chromium } = (await import(PLAYWRIGHT)) as { chromium: Launcher };
    const page1 = join(dir, "fp.html");
    const page2 = join(dir, "hostile.html");
    expect(perfkit(["flamegraph", "-o", page1, "-i", fixture("fp.data")]).code).toBe(0);
    expect(perfkit(["flamegraph", "-o", page2, "-i", HOSTILE]).code).toBe(0);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith("file://")) requests.push(r.url());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`file://${page1}`);
      await page.waitForSelector("body[data-ready]");
      await page.waitForTimeout(700);
      const widthOf = (name: string) =>
        page.$eval(`#chart g.frame[name="${name}"] rect`, (r) => Number(r.getAttribute("width")));
      const frames = await page.$$eval(
        "#chart g.frame rect",
        (rs) => rs.filter((r) => Number(r.getAttribute("width")) > 0).length,
      );
      expect(frames).toBeGreaterThan(10);
      const full = await widthOf("all");
      const before = await widthOf("ksys_read");
      expect(before).toBeLessThan(full * 0.9);
      await page.click('#chart g.frame[name="ksys_read"]');
      await page.waitForTimeout(900);
      expect(await widthOf("ksys_read")).toBeGreaterThan(full * 0.99);
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);

      await page.goto(`file://${page2}`);
      await page.waitForSelector("body[data-ready]");
      await page.waitForTimeout(700);
      const names = await page.$$eval("#chart g.frame", (gs) => gs.map((g) => g.getAttribute("name")));
      expect(names).toContain(`${HOSTILE_COMM} (42)`);
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.$$eval("img", (i) => i.length)).toBe(0);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
