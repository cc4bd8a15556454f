import { expect, test } from "bun:test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  ElfError,
  ElfFile,
  loadElfSymbols,
  STB_GLOBAL,
  STB_LOCAL,
  STB_WEAK,
  STT_FUNC,
  STT_OBJECT,
  SymbolTable,
} from "../src/symbols/index.ts";
import { buildElf, type TestSym } from "./elf-builder.ts";

const SYMS: TestSym[] = [
  { name: "main", value: 0x400000, size: 0x20, type: STT_FUNC, bind: STB_GLOBAL, shndx: 1 },
  { name: "helper", value: 0x400020, size: 0, type: STT_FUNC, bind: STB_LOCAL, shndx: 1 },
  { name: "alias_weak", value: 0x400040, size: 0x10, type: STT_FUNC, bind: STB_WEAK, shndx: 1 },
  { name: "alias", value: 0x400040, size: 0x10, type: STT_FUNC, bind: STB_GLOBAL, shndx: 1 },
  { name: "table", value: 0x400080, size: 8, type: STT_OBJECT, bind: STB_GLOBAL, shndx: 1 },
  { name: "undef", value: 0, size: 0, type: STT_FUNC, bind: STB_GLOBAL, shndx: 0 },
];
const BID = [0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

for (const is64 of [true, false])
  for (const le of [true, false]) {
    test(`synthetic ${is64 ? 64 : 32}-bit ${le ? "LE" : "BE"} ELF: headers, symbols, notes, perf's fix-ups`, () => {
      const elf = ElfFile.fromBytes(buildElf({ is64, le, machine: 62, syms: SYMS, buildId: BID }), "synthetic");
      expect(elf.header).toMatchObject({ is64, littleEndian: le, machine: 62, type: 2 });
      expect(elf.sections.map((s) => s.name)).toEqual([
        "",
        ".text",
        ".symtab",
        ".strtab",
        ".shstrtab",
        ".note.gnu.build-id",
        ".gnu_debuglink",
      ]);
      expect(elf.segments).toHaveLength(1);
      expect(elf.buildId()).toBe("deadbeef0102030405060708090a0b0c0d0e0f10");
      expect(elf.debugLink()).toEqual({ file: "prog.debug", crc: 0xdeadbeef });
      expect(elf.symbols(".symtab")).toHaveLength(SYMS.length + 1);
      expect(elf.vaddrToOffset(0x400010n)).toBe(0x210n);
      expect(elf.offsetToVaddr(0x210n)).toBe(0x400010n);
      const t = loadElfSymbols(elf);
      // file offsets (vaddr - p_vaddr + p_offset); zero-size "helper" runs to the next symbol;
      // "alias" (global) wins over "alias_weak"; "undef" is dropped.
      expect(t.symbols().map((s) => [s.name, s.start, s.end])).toEqual([
        ["main", 0x200n, 0x220n],
        ["helper", 0x220n, 0x240n],
        ["alias", 0x240n, 0x250n],
        ["table", 0x280n, 0x288n],
      ]);
      expect(t.find(0x22an)?.name).toBe("helper");
      expect(t.find(0x260n)).toBeNull();
      expect(loadElfSymbols(elf, { fileOffsets: false }).find(0x400001n)?.name).toBe("main");
    });
  }

test("corrupt input gives ElfError for that file only", () => {
  const good = buildElf({ is64: true, le: true, machine: 62, syms: SYMS, buildId: BID });
  expect(() => ElfFile.fromBytes(new Uint8Array([1, 2, 3]))).toThrow(ElfError);
  expect(() => ElfFile.fromBytes(good.slice(0, 100))).toThrow(ElfError);
  const badShoff = good.slice();
  new DataView(badShoff.buffer).setBigUint64(40, 0xffffffffn, true);
  expect(() => ElfFile.fromBytes(badShoff)).toThrow(ElfError);
  // a symtab whose size runs past the end: opening works, reading the table fails typed
  const elf = ElfFile.fromBytes(good);
  const symtab = elf.section(".symtab")!;
  const bytes = good.slice();
  const shoff = Number(new DataView(bytes.buffer).getBigUint64(40, true));
  new DataView(bytes.buffer).setBigUint64(shoff + 2 * 64 + 32, BigInt(symtab.size * 1000), true);
  const broken = ElfFile.fromBytes(bytes);
  expect(() => broken.symbols(".symtab")).toThrow(ElfError);
  expect(() => ElfFile.open("/nonexistent/file")).toThrow(ElfError);
  expect(() => ElfFile.open(5 as unknown as string)).toThrow(TypeError);
});

test("SymbolTable: binary search, cache, kallsyms end rule, argument checks", () => {
  const t = SymbolTable.build([
    { name: "b", start: 0x2000n, size: 0n },
    { name: "a", start: 0x1000n, size: 0x10n },
    { name: "c", start: 0x3000n, size: 0n },
  ]);
  expect(t.find(0x1005n)?.name).toBe("a");
  expect(t.find(0x1010n)).toBeNull();
  expect(t.find(0x2fffn)?.name).toBe("b");
  expect(t.find(0x3fffn)?.name).toBe("c"); // last zero-size symbol: to the next page + one page
  expect(t.find(0x4000n)).toBeNull();
  expect(t.find(0x2fffn)).toBe(t.find(0x2fffn));
  expect(() => t.find(5 as unknown as bigint)).toThrow(TypeError);
});

const LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6";
test.skipIf(!existsSync(LIBC) || Bun.which("readelf") === null)("agrees with readelf on libc", () => {
  const elf = ElfFile.open(LIBC);
  try {
    const notes = Bun.spawnSync(["readelf", "-n", LIBC]).stdout.toString();
    expect(notes).toContain(`Build ID: ${elf.buildId()}`);
    const dyn = Bun.spawnSync(["readelf", "-W", "--dyn-syms", LIBC]).stdout.toString();
    const count = /Symbol table '.dynsym' contains (\d+) entries/.exec(dyn);
    expect(elf.symbols(".dynsym").length).toBe(Number(count![1]));
    const loads = Bun.spawnSync(["readelf", "-lW", LIBC])
      .stdout.toString()
      .match(/^\s+LOAD\s.*$/gm)!;
    const mine = elf.segments.filter((s) => s.type === 1);
    expect(mine.length).toBe(loads.length);
    loads.forEach((line, i) => {
      const [, off, vaddr] = line.trim().split(/\s+/);
      expect(mine[i]!.offset).toBe(BigInt(off!));
      expect(mine[i]!.vaddr).toBe(BigInt(vaddr!));
    });
  } finally {
    elf.close();
  }
});

test("in-place decoding = the general path: every symbol of the system's binaries and libraries", () => {
  const dirs = ["/usr/bin", "/usr/lib/x86_64-linux-gnu"];
  let checked = 0;
  for (const dir of dirs) {
    const names = existsSync(dir) ? readdirSync(dir).sort() : [];
    // A sample spread over the directory keeps the test quick.
    for (let i = 0; i < names.length; i += 7) {
      const path = join(dir, names[i]!);
      let elf: ElfFile;
      try {
        if (!statSync(path).isFile()) continue;
        elf = ElfFile.open(path);
      } catch {
        continue;
      }
      try {
        for (const opts of [{}, { fileOffsets: false }, { demangle: false, allowAliases: true }]) {
          const fast = loadElfSymbols(elf, opts);
          const general = loadElfSymbols(elf, { ...opts, inPlace: false });
          expect(fast.symbols()).toEqual(general.symbols());
        }
        checked++;
      } catch (e) {
        if (!(e instanceof ElfError)) throw e;
      } finally {
        elf.close();
      }
    }
  }
  expect(checked).toBeGreaterThan(20);
});
