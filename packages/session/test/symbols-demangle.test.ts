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

const LIBSTDCXX = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
test.skipIf(!HAVE_PERF || !existsSync(LIBSTDCXX))("libstdc++ names match perf probe -F", () => {
  // perf probe -F lists a DSO's symbols demangled, aliases kept, names "_*" and "*@plt" filtered.
  const theirs = perf(["probe", "-x", LIBSTDCXX, "-F"]).split("\n").filter(Boolean).sort();
  const table = loadDsoSymbols(LIBSTDCXX, { allowAliases: true });
  expect(table).not.toBeNull();
  const mine = table!
    .symbols()
    .map((s) => s.name)
    .filter((n) => !n.startsWith("_") && !n.endsWith("@plt"))
    .sort();
  expect(mine.length).toBe(theirs.length);
  const set = new Set(theirs);
  expect(mine.filter((n) => !set.has(n))).toEqual([]);
});
