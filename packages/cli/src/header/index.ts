/** The `perf report --header-only` printer. */
export { attrFields } from "./attr-fprintf.ts";
export { cCtime, cFixed } from "./c-format.ts";
export { cpuListRanges, featOp, printFeature } from "./feature-printers.ts";
export type { PerfDataFileLike } from "./file-like.ts";
export { formatHeaderOnly, type HeaderOnlyOptions } from "./format-header.ts";
export { headerInputOf, headerOnlyText } from "./from-perf-data.ts";
