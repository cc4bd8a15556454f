import { readFileSync } from "node:fs";
import { type Sym, SymbolTable } from "./symbol-table.ts";

/**
 * Parses a JIT symbol map (`/tmp/perf-PID.map`: `START SIZE name`, hex, one per line) as
 * perf's dso__load_perf_map does: sizes kept as given, no end fix-up, malformed lines skipped.
 * Addresses are absolute (anonymous JIT maps use identity map_ip).
 */
export function parsePerfMap(text: string): SymbolTable<Sym> {
  if (typeof text !== "string") throw new TypeError(`text must be a string, got ${typeof text}`);
  const inputs = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(?:0x)?([0-9a-fA-F]+)\s+(?:0x)?([0-9a-fA-F]+)\s+(.+?)\s*$/.exec(line);
    if (!m) continue;
    inputs.push({ start: BigInt(`0x${m[1]}`), size: BigInt(`0x${m[2]}`), name: m[3]! });
  }
  return SymbolTable.build(inputs, { fixupEnd: false });
}

/** Loads `/tmp/perf-<pid>.map` (or `path`), or returns null when the file does not exist. */
export function loadPerfMap(pid: number, path = `/tmp/perf-${pid}.map`): SymbolTable<Sym> | null {
  if (!Number.isInteger(pid) || pid < 0) throw new TypeError(`pid must be a non-negative integer, got ${typeof pid}`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  return parsePerfMap(text);
}
