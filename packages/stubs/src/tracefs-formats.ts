/** Reads event format texts from a tracefs (or from a saved copy) and parses them. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { type EventFormat, FormatParseError, parseEventFormat } from "@perfkit/format";

/** Raw format texts keyed by `"system/event"`. */
export type FormatTexts = Record<string, string>;

/** Where tracefs is mounted on this machine, or undefined. */
export function findTracefs(): string | undefined {
  return ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"].find((d) => existsSync(`${d}/events`));
}

/** Reads every `events/<system>/<event>/format` under `root`. */
export function readTracefsTexts(root: string): FormatTexts {
  const events = `${root}/events`;
  const out: FormatTexts = {};
  for (const system of readdirSync(events, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!system.isDirectory()) continue;
    for (const ev of readdirSync(`${events}/${system.name}`, { withFileTypes: true })) {
      const path = `${events}/${system.name}/${ev.name}/format`;
      if (ev.isDirectory() && existsSync(path)) out[`${system.name}/${ev.name}`] = readFileSync(path, "utf8");
    }
  }
  return out;
}

/** Parses texts; a malformed one becomes an error naming its file and line, the rest still parse. */
export function parseFormatTexts(
  texts: FormatTexts,
  root = "events",
): { formats: EventFormat[]; errors: FormatParseError[] } {
  const formats: EventFormat[] = [];
  const errors: FormatParseError[] = [];
  for (const [name, text] of Object.entries(texts)) {
    const system = name.slice(0, name.indexOf("/"));
    try {
      formats.push(parseEventFormat(text, `${root}/${name}/format`, system));
    } catch (e) {
      if (e instanceof FormatParseError) errors.push(e);
      else throw e;
    }
  }
  return { formats, errors };
}
