/** @perfkit/format: a pure decoder (and encoder) of perf.data bytes. This file only re-exports. */
export * from "./attr.ts";
export * from "./constants.ts";
export * from "./errors.ts";
