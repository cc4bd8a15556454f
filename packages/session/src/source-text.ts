/** Source lines for srccode(): files read once and split into lines (small LRU of files). */
import { readFileSync } from "node:fs";

const MAX_FILES = 16;
const files = new Map<string, string[] | null>();

/** Line `line` (1-based) of the text file `path`, or null when unreadable or out of range. */
export function sourceText(path: string, line: number): string | null {
  if (typeof path !== "string") throw new TypeError("path must be a string");
  if (!Number.isInteger(line)) throw new TypeError("line must be an integer");
  let lines = files.get(path);
  if (lines === undefined) {
    try {
      lines = readFileSync(path, "utf8").split("\n");
    } catch {
      lines = null;
    }
    if (files.size >= MAX_FILES) files.delete(files.keys().next().value!);
    files.set(path, lines);
  }
  return lines && line >= 1 && line <= lines.length ? lines[line - 1]! : null;
}
