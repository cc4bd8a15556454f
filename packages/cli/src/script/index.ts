/** perf script's output formatter (used by `perfkit script`). */
export {
  checkEvent,
  defaultOutputs,
  Field,
  FieldError,
  type OutputType,
  outputType,
  parseFieldsOption,
} from "./fields.ts";
export { type PrintOptions, ScriptPrinter } from "./printer.ts";
export { altHex, formatTime, hex16, padLeft, padRight } from "./text.ts";
export { ChunkWriter } from "./writer.ts";
