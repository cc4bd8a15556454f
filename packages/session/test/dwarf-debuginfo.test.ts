import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DwarfBinary, DwarfError, findDebugFile, parseLineProgram } from "../src/dwarf/index.ts";
import { ElfFile } from "../src/symbols/index.ts";
import { FIXTURES } from "./perf-oracle.ts";

const BIN = join(FIXTURES, "dwarf/inline");
const HAVE_ADDR2LINE = Bun.spawnSync(["addr2line", "--version"]).exitCode === 0;

/** addr2line -i -f frames: [function, file:line] pairs with the discriminator stripped. */
function addr2line(bin: string, addr: bigint): string[][] {
  const r = Bun.spawnSync(["addr2line", "-i", "-f", "-e", bin, `0x${addr.toString(16)}`]);
  const lines = r.stdout.toString().trimEnd().split("\n");
  const out: string[][] = [];
  for (let i = 0; i + 1 < lines.length; i += 2)
    out.push([lines[i]!, lines[i + 1]!.replace(/ \(discriminator \d+\)$/, "")]);
  return out;
}

function mine(b: DwarfBinary, addr: bigint): string[][] {
  const chain = b.inlineChain(addr);
  if (chain.length === 0) return [["??", "??:0"]];
  return chain.map((f) => [f.function, `${f.file}:${f.line}`]);
}

describe.skipIf(!HAVE_ADDR2LINE)("source lines and inline chains match addr2line -i -f", () => {
  test("every instruction address of the fixture's functions", () => {
    const b = DwarfBinary.open(BIN);
    try {
      const text = b.elf.section(".text")!;
      const addrs: bigint[] = [];
      for (let a = text.addr; a < text.addr + BigInt(text.size); a += 3n) addrs.push(a);
      // addr2line reads addresses from stdin: one process for all.
      const r = Bun.spawnSync(["addr2line", "-i", "-f", "-a", "-e", BIN], {
        stdin: new TextEncoder().encode(addrs.map((a) => `0x${a.toString(16)}`).join("\n")),
      });
      const blocks = r.stdout.toString().split(/^0x/m).filter(Boolean);
      expect(blocks.length).toBe(addrs.length);
      let compared = 0;
      blocks.forEach((blk, i) => {
        const lines = blk.trimEnd().split("\n").slice(1);
        const theirs: string[][] = [];
        for (let k = 0; k + 1 < lines.length; k += 2)
          theirs.push([lines[k]!, lines[k + 1]!.replace(/ \(discriminator \d+\)$/, "")]);
        // No DWARF line info there (crt code): addr2line falls back to the symbol table.
        if (!theirs[0] || theirs[0][1]!.endsWith(":?") || theirs[0][1] === "??:0") return;
        expect({ addr: addrs[i]!.toString(16), frames: mine(b, addrs[i]!) }).toEqual({
          addr: addrs[i]!.toString(16),
          frames: theirs,
        });
        compared++;
      });
      expect(compared).toBeGreaterThan(50);
    } finally {
      b.close();
    }
  });

  test("srcline of a few addresses, including inlined code", () => {
    const b = DwarfBinary.open(BIN);
    try {
      for (const sym of b.elf.symbols(".symtab").filter((s) => s.type === 2 && s.size > 0n)) {
        const a = sym.value + sym.size / 2n;
        const pos = b.sourceLine(a);
        const theirs = addr2line(BIN, a);
        if (theirs[0]![1]!.endsWith(":?")) continue; // crt code without line info
        expect(pos ? `${pos.file}:${pos.line}` : "??:0").toBe(theirs[0]![1]!);
      }
    } finally {
      b.close();
    }
  });
});

describe("debug file lookup and instruction bytes", () => {
  test("the fixture carries its own DWARF; libc's comes from a build-id path", () => {
    const e = ElfFile.open(BIN);
    expect(findDebugFile(e, null)?.source).toBe("self");
    e.close();
  });

  test("insn() returns the bytes objdump shows", () => {
    const b = DwarfBinary.open(BIN);
    const main = b.elf.symbols(".symtab").find((s) => s.name === "main")!;
    const bytes = b.insn(main.value, 4)!;
    const od = Bun.spawnSync([
      "objdump",
      "-d",
      `--start-address=${main.value}`,
      `--stop-address=${main.value + 4n}`,
      BIN,
    ]);
    const hex = [...od.stdout.toString().matchAll(/^\s+[0-9a-f]+:\t((?:[0-9a-f]{2} )+)/gm)]
      .map((m) => m[1]!.trim())
      .join(" ");
    expect(Buffer.from(bytes).toString("hex").match(/../g)!.join(" ")).toBe(hex.split(" ").slice(0, 4).join(" "));
    b.close();
  });
});

describe("malformed debug sections give an error for that binary only", () => {
  /** Copies the fixture and overwrites bytes of one section. */
  function damaged(name: string, patch: (sec: Uint8Array) => void): string {
    const dir = mkdtempSync(join(tmpdir(), "perfkit-dwarf-bad-"));
    const out = join(dir, "inline");
    copyFileSync(BIN, out);
    const e = ElfFile.open(out);
    const sec = e.section(name)!;
    e.close();
    const bytes = new Uint8Array(readFileSync(out));
    patch(bytes.subarray(sec.offset, sec.offset + sec.size));
    writeFileSync(out, bytes);
    return out;
  }

  const cases: [string, string, (s: Uint8Array) => void][] = [
    [
      "truncated .debug_info unit length",
      ".debug_info",
      (s) => new DataView(s.buffer, s.byteOffset).setUint32(0, 0x7ffffff0, true),
    ],
    ["garbage .debug_abbrev", ".debug_abbrev", (s) => s.fill(0xff)],
    ["bad .debug_line offsets", ".debug_line", (s) => s.fill(0xee, 0, 40)],
    ["random .debug_info bytes", ".debug_info", (s) => s.fill(0x55, 12)],
    ["zeroed .eh_frame", ".eh_frame", (s) => s.fill(0x99)],
  ];
  for (const [what, name, patch] of cases) {
    test(what, () => {
      const path = damaged(name, patch);
      try {
        const b = DwarfBinary.open(path);
        const t0 = performance.now();
        for (let a = 0x1000n; a < 0x1300n; a += 7n) {
          b.inlineChain(a);
          b.sourceLine(a);
          b.findCfi(Number(a));
        }
        expect(performance.now() - t0).toBeLessThan(2000);
        expect(b.errors.length).toBeGreaterThan(0);
        expect(b.errors.every((e) => e instanceof DwarfError || e.name === "ElfError")).toBe(true);
        b.close();
        // A healthy binary is unaffected.
        const ok = DwarfBinary.open(BIN);
        expect(ok.inlineChain(0x11c4n).length).toBeGreaterThan(0);
        expect(ok.errors).toEqual([]);
        ok.close();
      } finally {
        rmSync(join(path, ".."), { recursive: true, force: true });
      }
    });
  }

  test("cyclic abstract_origin references are reported as a cycle, not followed forever", () => {
    // Hand-built DWARF 4 unit: a CU with a subprogram (low/high pc) whose abstract_origin points at itself.
    const abbrev = Uint8Array.from([
      1,
      0x11,
      1,
      0x11,
      0x01,
      0x12,
      0x07,
      0,
      0, // CU: low_pc addr, high_pc data8, children
      2,
      0x2e,
      0,
      0x11,
      0x01,
      0x12,
      0x07,
      0x31,
      0x13,
      0,
      0, // subprogram: low, high, abstract_origin ref4
      0,
    ]);
    const body: number[] = [];
    const u32 = (v: number) => body.push(v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24);
    const u64 = (v: number) => {
      u32(v);
      u32(0);
    };
    u32(0); // unit length, patched below
    body.push(4, 0); // version 4
    u32(0); // abbrev offset
    body.push(8); // address size
    body.push(1);
    u64(0x1000);
    u64(0x100);
    const dieOff = body.length;
    body.push(2);
    u64(0x1000);
    u64(0x10);
    u32(dieOff); // abstract_origin → itself
    body.push(0);
    new DataView(Uint8Array.from(body).buffer);
    const info = Uint8Array.from(body);
    new DataView(info.buffer).setUint32(0, info.length - 4, true);
    const { DebugInfo } = require("../src/dwarf/index.ts") as typeof import("../src/dwarf/index.ts");
    const di = new DebugInfo({
      info,
      abbrev,
      line: null,
      str: null,
      lineStr: null,
      ranges: null,
      rnglists: null,
      addr: null,
      strOffsets: null,
      le: true,
    });
    expect(() => di.inlineChain(0x1004)).toThrow(DwarfError);
    try {
      di.inlineChain(0x1004);
    } catch (e) {
      expect((e as DwarfError).kind).toBe("cycle");
    }
  });

  test("a line program whose header_length points past the unit throws a DwarfError", () => {
    const b = Uint8Array.from([20, 0, 0, 0, 4, 0, 0xff, 0xff, 0, 0, 1, 1, 1, 0xfb, 14, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => parseLineProgram(b, 0, null, { str: null, lineStr: null })).toThrow(DwarfError);
  });
});
