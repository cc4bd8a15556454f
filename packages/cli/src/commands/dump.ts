/**
 * `perfkit dump [-i FILE] [--json]`: every record in file order. Text mode prints perf
 * report -D's record header and raw hexdump, then a decoded summary; `--json` prints one JSON
 * object per record (type, offset, size, and every decoded field).
 */
import { parseArgs } from "node:util";
import { PerfDataError } from "@perfkit/format";
import { openInput } from "../_input.ts";
import { describeRecord, jsonReplacer } from "../dump/describe.ts";
import { rawDump } from "../dump/hexdump.ts";

const FLUSH_AT = 1 << 16;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { input: { type: "string", short: "i" }, json: { type: "boolean" }, "file-order": { type: "boolean" } },
    strict: true,
  });
  using file = openInput(values.input);
  // perf labels records of pipe-mode input "pipe", others with the path.
  const label = file.mode === "pipe" ? "pipe" : (values.input ?? "perf.data");
  // ...and counts pipe offsets from the end of the 16-byte pipe header.
  const base = file.mode === "pipe" ? 16 : 0;
  let buf = "";
  const flush = () => {
    process.stdout.write(buf);
    buf = "";
  };
  let status = 0;
  try {
    for (const rec of file.records({ ordered: !values["file-order"] })) {
      let decoded: ReturnType<typeof rec.decode> | undefined;
      let problem: string | undefined;
      try {
        decoded = rec.decode();
      } catch (e) {
        if (!(e instanceof PerfDataError)) throw e;
        problem = e.message;
      }
      if (values.json) {
        const body = decoded?.kind === "SAMPLE" ? decoded.sample.toJSON() : decoded;
        buf += `${JSON.stringify({ index: rec.index, offset: rec.offset, size: rec.size, type: rec.type, name: rec.typeName, time: rec.time, record: body, error: problem }, jsonReplacer)}\n`;
      } else {
        const at = `0x${(rec.offset - base).toString(16)}`;
        buf += `\n${at}@${label} [0x${rec.size.toString(16)}]: event: ${rec.type}\n`;
        buf += rawDump(rec.recordBytes);
        buf += `\n${rec.time ?? 0} ${at} [0x${rec.size.toString(16)}]: ${decoded ? describeRecord(rec, decoded) : `error: ${problem}`}\n`;
      }
      if (buf.length > FLUSH_AT) flush();
    }
  } catch (e) {
    flush();
    if (!(e instanceof PerfDataError)) throw e;
    process.stderr.write(`perfkit dump: ${e.message}\n`);
    status = 1;
  }
  flush();
  return status;
}
