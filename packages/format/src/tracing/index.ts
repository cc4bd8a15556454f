/** Tracepoint support of @perfkit/format: TRACING_DATA, event formats, field decoding, trace text. */

export * from "./encode-tracing-data.ts";
export {
  type EventFormat,
  type FormatField,
  FormatParseError,
  knownTypeSize,
  parseEventFormat,
} from "./event-format.ts";
export { decodeField, decodeFields, type FieldArray, type FieldValue } from "./field-decode.ts";
export {
  checkPrintFmt,
  type FormatTracepointOptions,
  formatTracepoint,
  type ResolvedSymbol,
} from "./format-tracepoint.ts";
export { parseTracingData, type TracingData } from "./tracing-data.ts";
