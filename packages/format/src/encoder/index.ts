/** The perf.data encoder: typed records and whole files, file or pipe mode, either byte order. */
export * from "./byte-writer.ts";
export * from "./record-encoder.ts";
export * from "./sample-encoder.ts";
export * from "./transcode.ts";
export * from "./writer.ts";
