/** Dynamic PMUs from sysfs: type numbers, format fields (`config:0-7,32-35`) and event aliases. */
import { existsSync, readdirSync, readFileSync } from "node:fs";

const PMU_ROOT = "/sys/bus/event_source/devices";

/** The attr words a PMU format field writes to. */
export type ConfigWord = "config" | "config1" | "config2" | "config3";

/** One format field: bit ranges (low..high inclusive) in a config word, in value-bit order. */
export interface FormatField {
  word: ConfigWord;
  ranges: readonly [number, number][];
}

/** Names of the PMUs present on this machine. */
export function pmuNames(): string[] {
  try {
    return readdirSync(PMU_ROOT).sort();
  } catch {
    return [];
  }
}

/** The attr.type of a PMU; throws naming the PMU (and listing the present ones) when absent. */
export function pmuType(pmu: string): number {
  try {
    return Number.parseInt(readFileSync(`${PMU_ROOT}/${pmu}/type`, "utf8"), 10);
  } catch {
    const hw =
      pmu === "cpu" || pmu.startsWith("cpu_") || pmu.startsWith("armv8") ? " (this machine has no hardware PMU)" : "";
    throw new Error(`unknown PMU '${pmu}'${hw}; present PMUs: ${pmuNames().join(", ") || "none"}`);
  }
}

/** Parses a format file's text like "config:0-7,32-35" or "config1:0". */
export function parseFormat(text: string): FormatField {
  const m = /^(config[123]?):([\d,-]+)$/.exec(text.trim());
  if (!m) throw new Error(`unsupported PMU format '${text.trim()}'`);
  const ranges = m[2]!.split(",").map((r): [number, number] => {
    const [a, b] = r.split("-").map(Number);
    return [a!, b ?? a!];
  });
  return { word: m[1] as ConfigWord, ranges };
}

/** The format fields of a PMU by term name (empty for PMUs without a format directory). */
export function pmuFormats(pmu: string): Map<string, FormatField> {
  const dir = `${PMU_ROOT}/${pmu}/format`;
  const out = new Map<string, FormatField>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) out.set(name, parseFormat(readFileSync(`${dir}/${name}`, "utf8")));
  return out;
}

/** The terms of a named PMU event alias (`/sys/.../<pmu>/events/<name>`), or null. */
export function pmuEventAlias(pmu: string, name: string): string | null {
  try {
    return readFileSync(`${PMU_ROOT}/${pmu}/events/${name}`, "utf8").trim();
  } catch {
    return null;
  }
}

/** Writes `value` into the bit ranges of a format field, low bits first (as the kernel reads them). */
export function placeFormat(field: FormatField, value: bigint, current: bigint): bigint {
  let v = value;
  let word = current;
  let total = 0;
  for (const [lo, hi] of field.ranges) {
    const width = BigInt(hi - lo + 1);
    total += hi - lo + 1;
    const mask = ((1n << width) - 1n) << BigInt(lo);
    word = (word & ~mask) | ((v << BigInt(lo)) & mask);
    v >>= width;
  }
  if (v !== 0n) throw new RangeError(`value 0x${value.toString(16)} does not fit in ${total} bits`);
  return word;
}
