/** The committed snapshot: its input (a gzip of the tracefs formats) and how it is generated from it. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { type FormatTexts, parseFormatTexts } from "./tracefs-formats.ts";
import { generateStubs } from "./tracepoint-stubs.ts";

/** Directory of the committed generated files. */
export const GENERATED_DIR = new URL("../generated/", import.meta.url).pathname;

/** The snapshot's `.d.ts` text from format texts: the same call the generate script makes. */
export function snapshotFromTexts(texts: FormatTexts): string {
  const { formats, errors } = parseFormatTexts(texts, "/sys/kernel/tracing/events");
  return generateStubs({
    formats,
    errors,
    source: "tracefs of a Linux 6.18 x86_64 machine (see tracefs-formats.json.gz)",
  });
}

/** Reads the committed input of the snapshot. */
export function committedTexts(): FormatTexts {
  const gz = new Uint8Array(readFileSync(`${GENERATED_DIR}tracefs-formats.json.gz`));
  return JSON.parse(new TextDecoder().decode(gunzipSync(gz))) as FormatTexts;
}
