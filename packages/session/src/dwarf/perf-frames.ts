/**
 * Turns unwound user frames into the callchain entries perf prints: symbol, offset, dso,
 * and (as perf's append_inlines does) one entry per inline level, where levels whose
 * name differs from the ELF symbol become "inlined" pseudo symbols at the symbol's start.
 */
import { demangle } from "../symbols/index.ts";
import type { DwarfBinary } from "./binary.ts";
import type { UnwindModule } from "./unwind.ts";

/** One printed callchain entry. */
export interface PerfChainEntry {
  /** The absolute ip of the frame (perf's node->ip). */
  ip: bigint;
  /** The dso-relative address perf prints for user frames (map__map_ip). */
  addr: bigint;
  /** Symbol name, or null for perf's `[unknown]`. */
  sym: string | null;
  /** Offset from the symbol start (perf's `+0x..`). */
  offset: bigint;
  /** True for an inline pseudo symbol: perf prints `(inlined)` instead of the dso. */
  inlined: boolean;
  /** Source position as perf's srcline (`basename:line`), or null. */
  srcline: string | null;
}

/** What {@link perfChainEntries} needs of a symbol table (a `SymbolTable`, or a session `Dso`). */
export interface SymbolLookup {
  /** The symbol covering the file-offset address `addr`, or null/undefined. */
  find(addr: bigint): { readonly name: string; readonly start: bigint } | null | undefined;
}

/** Options of {@link perfChainEntries}. */
export interface PerfChainOptions {
  /** Expand inline frames (perf's default inline_name = true). Default true. */
  inline?: boolean;
  /** Compute srcline for each entry. Default false. */
  srcline?: boolean;
  /** Print the full source path instead of the base name (perf's --full-source-path). */
  fullPath?: boolean;
}

/** perf's srcline text (`file:line`, base name unless `fullPath`). */
export function perfSrcline(file: string, line: number, fullPath = false): string {
  if (typeof file !== "string") throw new TypeError("file must be a string");
  const f = fullPath ? file : file.slice(file.lastIndexOf("/") + 1);
  return `${f}:${line}`;
}

/**
 * The entries perf prints for one user frame at absolute `ip` in `module`, whose binary's
 * symbols are `symbols` (file-offset addresses, as `loadDsoSymbols` returns them).
 */
export function perfChainEntries(
  ip: bigint,
  module: UnwindModule | undefined,
  symbols: SymbolLookup | null,
  options: PerfChainOptions = {},
): PerfChainEntry[] {
  if (typeof ip !== "bigint") throw new TypeError("ip must be a bigint");
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  if (!module) return [{ ip, addr: ip, sym: null, offset: 0n, inlined: false, srcline: null }];
  const addr = ip - module.start + module.pgoff;
  const sym = symbols?.find(addr) ?? null;
  const bin: DwarfBinary | null = module.binary;
  // perf's append_inlines and addr2line take map__rip_2objdump's address.
  const vaddr = bin ? bin.objdumpAddress(addr) : addr;
  const srcOf = (file: string, line: number) => (options.srcline ? perfSrcline(file, line, options.fullPath) : null);
  if (sym && bin && options.inline !== false) {
    const chain = bin.inlineChain(vaddr);
    if (chain.length > 0 && chain[0]!.file !== "??") {
      return chain.map((f) => {
        const name = f.function === "??" ? "??" : safeDemangle(f.function);
        return {
          ip,
          addr,
          sym: name,
          offset: addr - sym.start,
          inlined: name !== sym.name,
          srcline: srcOf(f.file, f.line),
        };
      });
    }
  }
  let srcline: string | null = null;
  if (options.srcline && bin) {
    const pos = bin.sourceLine(vaddr);
    if (pos) srcline = perfSrcline(pos.file, pos.line, options.fullPath);
  }
  return [{ ip, addr, sym: sym ? sym.name : null, offset: sym ? addr - sym.start : 0n, inlined: false, srcline }];
}

function safeDemangle(name: string): string {
  try {
    return demangle(name);
  } catch {
    return name;
  }
}
