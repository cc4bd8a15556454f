import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { demangle, isMangled, loadDsoSymbols, stripParams } from "../src/symbols/index.ts";
import { HAVE_PERF, perf } from "./perf-oracle.ts";

test("C++ names print as perf 6.1 prints them (no parameters)", () => {
  expect(demangle("_ZN2ns3BoxIlE4spinEi")).toBe("ns::Box<long>::spin");
  expect(demangle("_ZN2ns4workERSt6vectorIiSaIiEEi")).toBe("ns::work");
  expect(demangle("_ZN1zL6helperENS_1PEi.constprop.0.cold")).toBe("z::helper");
  expect(demangle("_ZNSi6ignoreEv")).toBe("std::istream::ignore");
  expect(demangle("_ZTISt13runtime_error@GLIBCXX_3.4")).toBe("typeinfo for std::runtime_error");
  expect(demangle("_ZThn16_NSt9strstreamD1Ev")).toBe("non-virtual thunk to std::strstream::~strstream()");
  expect(demangle("_ZN3foo3barEv", { params: true })).toBe("foo::bar()");
});

test("Rust legacy and v0 names drop hashes and suffixes", () => {
  expect(demangle("_ZN1r1m10S$LT$T$GT$4spin17h6366c409d86706c4E")).toBe("r::m::S<T>::spin");
  expect(demangle("_RNvNtNtNtNtCsjrHSEGnQ3l9_3std3sys4args4unix3imp4ARGC.0")).toBe("std::sys::args::unix::imp::ARGC");
});

test("plain C names and junk pass through", () => {
  expect(demangle("main")).toBe("main");
  expect(demangle("_Znot a name")).toBe("_Znot a name");
  expect(isMangled("read")).toBe(false);
  expect(stripParams("a::b(int) const [clone .cold]")).toBe("a::b");
  expect(() => demangle(3 as unknown as string)).toThrow(TypeError);
});

// perf probe -F lists every symbol perf loaded for a DSO (aliases kept, --filter '*' hides
// nothing): it checks selection, aliases, PLT synthesis and demangling at once.
const DSOS = ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/dd"];
for (const dso of DSOS) {
  test.skipIf(!HAVE_PERF || !existsSync(dso))(`symbol names of ${dso} match perf probe -F`, () => {
    const theirs = perf(["probe", "-x", dso, "-F", "--filter", "*"]).split("\n").filter(Boolean).sort();
    const table = loadDsoSymbols(dso, { allowAliases: true });
    expect(table).not.toBeNull();
    const mine = table!
      .symbols()
      .map((s) => s.name)
      .sort();
    expect(mine.length).toBe(theirs.length);
    const set = new Set(theirs);
    expect(mine.filter((n) => !set.has(n))).toEqual([]);
    expect(mine).toEqual(theirs);
  });
}
