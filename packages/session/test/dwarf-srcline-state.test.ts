import { describe, expect, test } from "bun:test";
import { A2L_FAIL_LIMIT, SrclineState } from "../src/index.ts";

describe("SrclineState (perf 6.1's a2l_fails / has_srcline)", () => {
  test("123 failures before any success give the dso up; later successes then fail", () => {
    const s = new SrclineState();
    for (let i = 0; i < A2L_FAIL_LIMIT - 1; i++) {
      expect(s.record("/bin/x", false)).toBe(false);
      expect(s.volatile).toBe(true);
      expect(s.enabled("/bin/x")).toBe(true);
    }
    expect(s.record("/bin/x", false)).toBe(false);
    expect(s.enabled("/bin/x")).toBe(false);
    expect(s.record("/bin/x", true)).toBe(false);
    expect(s.volatile).toBe(false);
    // Other dsos keep their own state.
    expect(s.record("/bin/y", true)).toBe(true);
  });

  test("one success stops the counting for good", () => {
    const s = new SrclineState();
    for (let i = 0; i < 100; i++) s.record("/bin/x", false);
    expect(s.record("/bin/x", true)).toBe(true);
    for (let i = 0; i < 1000; i++) {
      expect(s.record("/bin/x", false)).toBe(false);
      expect(s.volatile).toBe(false);
    }
    expect(s.enabled("/bin/x")).toBe(true);
    expect(s.record("/bin/x", true)).toBe(true);
  });

  test("arguments are checked", () => {
    const s = new SrclineState();
    expect(() => s.record(1 as unknown as string, true)).toThrow(TypeError);
    expect(() => s.enabled(null as unknown as string)).toThrow(TypeError);
  });
});
