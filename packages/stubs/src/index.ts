/** @perfkit/stubs: generated typings for tracepoint fields, perf constants and the attr layout. */
export { generateConstantStubs } from "./constant-stubs.ts";
export { committedTexts, GENERATED_DIR, snapshotFromTexts } from "./snapshot.ts";
export { runStubsCommand } from "./stubs-command.ts";
export { generateSyscallStubs } from "./syscall-stubs.ts";
export { type FormatTexts, findTracefs, parseFormatTexts, readTracefsTexts } from "./tracefs-formats.ts";
export { fieldTsType, type GenerateStubsInput, generateStubs } from "./tracepoint-stubs.ts";
