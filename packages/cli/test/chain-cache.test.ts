/** The dwarf chain-text cache: hits only for the same words, ips and kernel maps; a shared budget. */
import { expect, test } from "bun:test";
import type { MapEntry } from "@perfkit/session";
import { ChainTextCache, chainBudget } from "../src/script/chain-cache.ts";

function record(words: number[], offset = 0): DataView {
  const v = new DataView(new ArrayBuffer(offset + words.length * 4 + 8));
  for (let i = 0; i < words.length; i++) v.setUint32(offset + i * 4, words[i]!, true);
  return v;
}

const K1: readonly MapEntry[] = [];
const K2: readonly MapEntry[] = [];

test("a chain is found again only with the same callchain words, ips and kernel maps", () => {
  const c = new ChainTextCache(chainBudget());
  const ips = new Float64Array([0x401000, 0x7f0000001234]);
  const v = record([0xffffff80, 0xffffffff, 0x81000010, 0xffffffff]);
  expect(c.lookup(v, 0, 2, ips, 2, K1)).toBeUndefined();
  c.store("text", ips, 2, K1);
  expect(c.lookup(v, 0, 2, ips, 2, K1)).toBe("text");
  // The same words at an unaligned offset are read through the DataView.
  const u = record([0xffffff80, 0xffffffff, 0x81000010, 0xffffffff], 2);
  expect(c.lookup(u, 2, 2, ips, 2, K1)).toBe("text");
  expect(c.lookup(v, 0, 2, ips, 2, K2)).toBeUndefined();
  expect(c.lookup(v, 0, 2, ips, 1, K1)).toBeUndefined();
  expect(c.lookup(v, 0, 2, new Float64Array([0x401000, 0x7f0000001235]), 2, K1)).toBeUndefined();
  expect(c.lookup(record([0xffffff80, 0xffffffff, 0x81000011, 0xffffffff]), 0, 2, ips, 2, K1)).toBeUndefined();
  expect(c.lookup(v, 0, 1, ips, 2, K1)).toBeUndefined();
});

test("the budget is shared and nothing is kept past it", () => {
  const budget = { left: 100 };
  const a = new ChainTextCache(budget);
  const b = new ChainTextCache(budget);
  const ips = new Float64Array([1]);
  const v = record([5, 0]);
  a.lookup(v, 0, 1, ips, 1, K1);
  a.store("x".repeat(60), ips, 1, K1);
  expect(budget.left).toBe(100 - 60 - 8 * 3);
  b.lookup(v, 0, 1, ips, 1, K1);
  b.store("y".repeat(60), ips, 1, K1);
  expect(b.lookup(v, 0, 1, ips, 1, K1)).toBeUndefined();
  expect(a.lookup(v, 0, 1, ips, 1, K1)).toBe("x".repeat(60));
  expect(() => new ChainTextCache(null as never)).toThrow(TypeError);
});
