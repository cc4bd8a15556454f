/** The `perf report --header-only` printer. */
export { attrFields } from "./attr-fprintf.ts";
export { cCtime, cFixed } from "./c-format.ts";
export { cpuListRanges, featOp, printFeature } from "./feature-printers.ts";
export type { PerfDataFileLike } from "./file-like.ts";
export { type HeaderOnlyOptions, renderHeaderOnly } from "./format-header.ts";
export { type FormatHeaderOnlyOptions, formatHeaderOnly, headerInputOf } from "./from-perf-data.ts";
