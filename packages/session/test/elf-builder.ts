/**
 * Builds tiny synthetic ELF images (32/64-bit, either byte order) for reader tests: one
 * PT_LOAD, a .text, a .symtab/.strtab, a GNU build-id note and a .gnu_debuglink.
 */
export interface TestSym {
  name: string;
  value: number;
  size: number;
  type: number;
  bind: number;
  shndx: number;
}

export function buildElf(opts: {
  is64: boolean;
  le: boolean;
  machine: number;
  syms: TestSym[];
  buildId: number[];
}): Uint8Array {
  const { is64, le } = opts;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const symentsize = is64 ? 24 : 16;
  const out: number[] = [];
  const put = (n: number, bytes: number, at?: number) => {
    const arr: number[] = [];
    let v = BigInt(n);
    for (let i = 0; i < bytes; i++) {
      arr.push(Number(v & 0xffn));
      v >>= 8n;
    }
    if (!le) arr.reverse();
    if (at === undefined) out.push(...arr);
    else
      arr.forEach((b, i) => {
        out[at + i] = b;
      });
  };
  const word = (n: number, at?: number) => put(n, is64 ? 8 : 4, at);
  const pad = (to: number) => {
    while (out.length < to) out.push(0);
  };
  // Layout: ehdr, phdr, .text at 0x200, string tables, .symtab, note, debuglink, section headers.
  const textOff = 0x200;
  const textSize = 0x100;
  const vaddr = 0x400000;
  const shstr = "\0.text\0.symtab\0.strtab\0.shstrtab\0.note.gnu.build-id\0.gnu_debuglink\0";
  const nameOf = (s: string) => shstr.indexOf(`\0${s}\0`) + 1;
  let strtab = "\0";
  const symNames = opts.syms.map((s) => {
    const off = strtab.length;
    strtab += `${s.name}\0`;
    return off;
  });
  // ehdr
  out.push(0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1, 0);
  pad(16);
  put(2, 2); // ET_EXEC
  put(opts.machine, 2);
  put(1, 4);
  word(vaddr + 0x10); // entry
  word(ehsize); // phoff
  const shoffAt = out.length;
  word(0); // shoff patched
  put(0, 4); // flags
  put(ehsize, 2);
  put(phentsize, 2);
  put(1, 2);
  put(shentsize, 2);
  put(7, 2); // shnum
  put(4, 2); // shstrndx
  // phdr
  if (is64) {
    put(1, 4);
    put(5, 4);
    word(0);
    word(vaddr - textOff); // p_vaddr
    word(vaddr - textOff);
    word(textOff + textSize);
    word(textOff + textSize);
    word(0x1000);
  } else {
    put(1, 4);
    word(0);
    word(vaddr - textOff);
    word(vaddr - textOff);
    word(textOff + textSize);
    word(textOff + textSize);
    put(5, 4);
    word(0x1000);
  }
  pad(textOff);
  pad(textOff + textSize);
  const strtabOff = out.length;
  for (const ch of strtab) out.push(ch.charCodeAt(0));
  const shstrOff = out.length;
  for (const ch of shstr) out.push(ch.charCodeAt(0));
  pad((out.length + 7) & ~7);
  const symOff = out.length;
  pad(symOff + symentsize); // null symbol
  opts.syms.forEach((s, i) => {
    put(symNames[i]!, 4);
    if (is64) {
      out.push((s.bind << 4) | s.type, 0);
      put(s.shndx, 2);
      word(s.value);
      word(s.size);
    } else {
      word(s.value);
      word(s.size);
      out.push((s.bind << 4) | s.type, 0);
      put(s.shndx, 2);
    }
  });
  const symSize = out.length - symOff;
  const noteOff = out.length;
  put(4, 4);
  put(opts.buildId.length, 4);
  put(3, 4);
  out.push(0x47, 0x4e, 0x55, 0);
  out.push(...opts.buildId);
  pad((out.length + 3) & ~3);
  const noteSize = out.length - noteOff;
  const linkOff = out.length;
  for (const ch of "prog.debug\0") out.push(ch.charCodeAt(0));
  pad((out.length + 3) & ~3);
  put(0xdeadbeef, 4);
  const linkSize = out.length - linkOff;
  pad((out.length + 7) & ~7);
  const shoff = out.length;
  word(shoff, shoffAt);
  const sh = (
    name: number,
    type: number,
    flags: number,
    addr: number,
    off: number,
    size: number,
    link: number,
    info: number,
    entsize: number,
  ) => {
    put(name, 4);
    put(type, 4);
    word(flags);
    word(addr);
    word(off);
    word(size);
    put(link, 4);
    put(info, 4);
    word(is64 ? 8 : 4);
    word(entsize);
  };
  sh(0, 0, 0, 0, 0, 0, 0, 0, 0);
  sh(nameOf(".text"), 1, 6, vaddr, textOff, textSize, 0, 0, 0); // 1
  sh(nameOf(".symtab"), 2, 0, 0, symOff, symSize, 3, 1, symentsize); // 2
  sh(nameOf(".strtab"), 3, 0, 0, strtabOff, strtab.length, 0, 0, 0); // 3
  sh(nameOf(".shstrtab"), 3, 0, 0, shstrOff, shstr.length, 0, 0, 0); // 4
  sh(nameOf(".note.gnu.build-id"), 7, 2, 0, noteOff, noteSize, 0, 0, 0); // 5
  sh(nameOf(".gnu_debuglink"), 1, 0, 0, linkOff, linkSize, 0, 0, 0); // 6
  return new Uint8Array(out);
}
