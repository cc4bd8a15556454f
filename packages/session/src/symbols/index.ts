export { buildIdOf, tryBuildIdOf } from "./build-id.ts";
export { type DemangleOptions, demangle, isMangled, stripParams } from "./demangle.ts";
export { type LoadDsoSymbolsOptions, loadDsoSymbols, mapIp } from "./dso-symbols.ts";
export * from "./elf/index.ts";
export { type LoadElfSymbolsOptions, loadElfSymbols } from "./elf-symbols.ts";
export {
  type BinaryCandidate,
  type BinarySourceKind,
  binaryCandidates,
  buildIdCachePath,
  buildIdDir,
  type FindBinaryOptions,
  type FoundBinary,
  findBinary,
} from "./find-binary.ts";
export {
  type KallsymsEntry,
  type KernelSym,
  KernelSymbols,
  kernelSymbolsFromKallsyms,
  loadKallsyms,
  parseKallsyms,
} from "./kallsyms.ts";
export { loadPerfMap, parsePerfMap } from "./perf-map.ts";
export { pltSymbols } from "./plt-symbols.ts";
export { type FixupOptions, type Sym, type SymbolInput, SymbolTable } from "./symbol-table.ts";
