/**
 * Debug sections compressed with SHF_COMPRESSED (zlib and zstd) and the legacy `.zdebug_*`
 * form: the fixture program is built with -g and compressed with objcopy, and perfkit's source
 * lines and inline chains must equal those of the uncompressed binary and (for SHF_COMPRESSED,
 * which binutils 2.40 reads) addr2line's.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DwarfBinary } from "../src/dwarf/index.ts";
import { ElfFile } from "../src/symbols/index.ts";

const SOURCE = join(import.meta.dir, "../../../tests/fixtures/dwarf/inline.c");
const dir = mkdtempSync(join(tmpdir(), "perfkit-zdebug-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plain = join(dir, "inline");
const built = Bun.spawnSync(["gcc", "-O2", "-fomit-frame-pointer", "-g", "-o", plain, SOURCE]);

function compressed(kind: string): string | null {
  const out = join(dir, `inline-${kind}`);
  const r = Bun.spawnSync(["objcopy", `--compress-debug-sections=${kind}`, plain, out]);
  return r.exitCode === 0 ? out : null;
}

/** Text addresses of the program's functions (from its symbol table), a few bytes in. */
function sampleAddresses(): bigint[] {
  const nm = Bun.spawnSync(["nm", "--defined-only", plain]).stdout.toString();
  const out: bigint[] = [];
  for (const line of nm.split("\n")) {
    const [addr, type] = line.split(" ");
    if (addr && (type === "T" || type === "t")) out.push(BigInt(`0x${addr}`) + 4n);
  }
  return out;
}

describe("compressed debug sections", () => {
  test("the fixture program builds", () => {
    expect(built.exitCode).toBe(0);
  });
  const addrs = built.exitCode === 0 ? sampleAddresses() : [];
  const reference = () => {
    const b = DwarfBinary.open(plain);
    const lines = addrs.map((a) => b.sourceLine(a));
    const chains = addrs.map((a) => b.inlineChain(a).map((f) => f.function));
    b.close();
    return { lines, chains };
  };
  for (const kind of ["zlib", "zstd", "zlib-gnu"]) {
    test(`${kind}: lines and inline chains equal the uncompressed binary's and addr2line's`, () => {
      const path = compressed(kind);
      if (!path) {
        // objcopy of this binutils cannot write this form: nothing to read.
        console.warn(`objcopy cannot write --compress-debug-sections=${kind}; skipped`);
        return;
      }
      const elf = ElfFile.open(path);
      const names = elf.sections.map((s) => s.name);
      if (kind === "zlib-gnu") expect(names).toContain(".zdebug_info");
      else expect(elf.sections.find((s) => s.name === ".debug_info")!.flags & 0x800n).toBe(0x800n);
      elf.close();
      expect(addrs.length).toBeGreaterThan(3);
      const want = reference();
      const b = DwarfBinary.open(path);
      const lines = addrs.map((a) => b.sourceLine(a));
      const chains = addrs.map((a) => b.inlineChain(a).map((f) => f.function));
      b.close();
      expect(lines).toEqual(want.lines);
      expect(chains).toEqual(want.chains);
      // binutils 2.40's addr2line finds no lines in legacy .zdebug_* files: compare SHF_COMPRESSED ones.
      if (kind === "zlib-gnu") return;
      // binutils reads the same file: its file:line for each address.
      const a2l = Bun.spawnSync(["addr2line", "-e", path, ...addrs.map((a) => `0x${a.toString(16)}`)])
        .stdout.toString()
        .trim()
        .split("\n");
      // Addresses without a line row (crt code) print "file:?" or "??:?" there and null here.
      expect(lines.map((l) => (l ? `${l.file}:${l.line}` : "?"))).toEqual(
        a2l.map((l) => l.replace(/ \(discriminator \d+\)$/, "")).map((l) => (/:\d+$/.test(l) ? l : "?")),
      );
      expect(lines.filter((l) => l !== null).length).toBeGreaterThan(3);
    });
  }
});
