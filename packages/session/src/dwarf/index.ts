/** In-process debug information: CFI unwinding, debug-file lookup, source lines, inline frames. */
export { type CfiHit, DwarfBinary } from "./binary.ts";
export { type BinaryStatus, DwarfCache } from "./cache.ts";
export { type CfiKind, CfiTable, type Cie, type Fde } from "./cfi.ts";
export {
  type DebugFile,
  type DebugSearchOptions,
  type DebugSource,
  debugFileCandidates,
  debuginfodCacheDir,
  findDebugFile,
} from "./debug-file.ts";
export { DebugInfo, type DwarfSections, type InlineFrame } from "./debug-info.ts";
export { DwarfError, type DwarfErrorKind } from "./errors.ts";
export { type ExprContext, evalExpression } from "./expression.ts";
export { type CfaRule, type FrameRow, type RegRule, rowFor } from "./frame-rules.ts";
export { LineTable, parseLineProgram, type SourceLine, type StringSections } from "./line-table.ts";
export { exactNumber, lowestStarts, NumberMaps, perfCfiBias } from "./number-maps.ts";
export { NumberUnwinder } from "./number-unwind.ts";
export {
  type PerfChainEntry,
  type PerfChainOptions,
  perfChainEntries,
  perfSrcline,
  type SymbolLookup,
} from "./perf-frames.ts";
export {
  frameAddress,
  kernelCallchain,
  type RecordingModule,
  type UnwindRecordingOptions,
  type UnwoundSample,
  unwindRecording,
} from "./recording.ts";
export { AARCH64, type ArchRegisters, archRegisters, perfRegValue, type UnwindArch, X86_64 } from "./registers.ts";
export { readSection } from "./sections.ts";
export { type MappedModule, unwindSampleInMaps } from "./session-hook.ts";
export { A2L_FAIL_LIMIT, SrclineState } from "./srcline-state.ts";
export {
  type DsoStackQuality,
  MAX_DWARF_STACK,
  type StackQuality,
  stackQuality,
  suggestStackSize,
} from "./stack-quality.ts";
export {
  type ModuleLookup,
  type UnwindInput,
  type UnwindModule,
  type UnwindResult,
  type UnwindStop,
  type UnwoundFrame,
  unwindUser,
} from "./unwind.ts";
