import { demangle } from "./demangle.ts";
import { EM_AARCH64, EM_ARM } from "./elf/constants.ts";
import type { ElfFile } from "./elf/reader.ts";
import type { SymbolInput } from "./symbol-table.ts";

const EM_386 = 3;
const EM_X86_64 = 62;

/**
 * perf 6.1's dso__synthesize_plt_symbols: one `name@plt` symbol per `.rela.plt` / `.rel.plt`
 * entry, laid out after the PLT header at file offsets. Returns [] when the file has no
 * PLT, no relocation table tied to `.dynsym`, or an unknown entry size.
 */
export function pltSymbols(runtime: ElfFile, demangleNames = true): SymbolInput[] {
  const plt = runtime.section(".plt");
  const dynsymIdx = runtime.sections.findIndex((s) => s.name === ".dynsym");
  if (!plt || dynsymIdx < 0) return [];
  const rel = runtime.section(".rela.plt") ?? runtime.section(".rel.plt");
  if (!rel || rel.link !== dynsymIdx) return [];
  const sizes = pltSizes(runtime, plt.entsize, plt.addralign);
  if (!sizes) return [];
  // Only the relocations' symbols are named: decode those entries alone.
  const dynsymName = runtime.symbolNameOf(".dynsym");
  const out: SymbolInput[] = [];
  let offset = BigInt(plt.offset) + sizes.header;
  for (const r of runtime.relocations(rel)) {
    const raw = dynsymName(r.sym);
    const name = demangleNames ? demangle(raw) : raw;
    out.push({ name: `${name}@plt`, start: offset, size: sizes.entry });
    offset += sizes.entry;
  }
  return out;
}

/** perf's get_plt_sizes. */
function pltSizes(elf: ElfFile, entsize: number, addralign: bigint): { header: bigint; entry: bigint } | null {
  switch (elf.header.machine) {
    case EM_ARM:
      return { header: 20n, entry: 12n };
    case EM_AARCH64:
      return { header: 32n, entry: 16n };
    case EM_386:
    case EM_X86_64: {
      let e = BigInt(entsize);
      if (e !== 8n && e !== 16n) e = addralign === 8n ? 8n : 16n;
      return { header: e, entry: e };
    }
    default:
      return entsize ? { header: BigInt(entsize), entry: BigInt(entsize) } : null;
  }
}
