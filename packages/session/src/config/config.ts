import { readFileSync } from "node:fs";
import { type ConfigEnv, type ConfigFile, configFiles, SYSTEM_CONFIG, userFileUsable } from "./files.ts";
import { type ConfigParseError, parseConfig } from "./parse.ts";

/** Options for {@link loadPerfConfig} and {@link configGet}. */
export interface ConfigOptions {
  /** Environment to read HOME / PERF_CONFIG / PERF_CONFIG_NOSYSTEM / PERF_CONFIG_NOGLOBAL from (default process.env). */
  env?: ConfigEnv;
  /** System file path (default /etc/perfconfig, perf's compiled-in path); for tests. */
  systemPath?: string;
}

/** One merged config entry and the file that last set it. */
export interface ConfigEntry {
  /** "section.name", as `perf config -l` prints it. */
  key: string;
  value: string;
  scope: ConfigFile["scope"];
  file: string;
}

/**
 * perf's merged config set: files read lowest precedence first, a later value for a key
 * replacing the earlier one in place (user over system), entries kept in first-seen order.
 */
export class PerfConfig {
  readonly #entries = new Map<string, ConfigEntry>();
  /** Parse errors perf would print ("bad config file line N in FILE"); reading stopped there. */
  readonly errors: ConfigParseError[] = [];

  /** Adds one file's text (used by {@link loadPerfConfig}); returns false when it had a parse error. */
  addText(text: string, scope: ConfigFile["scope"], file: string): boolean {
    const { items, error } = parseConfig(text, file);
    for (const it of items) {
      const key = `${it.section}.${it.name}`;
      const old = this.#entries.get(key);
      if (old) {
        old.value = it.value;
        old.scope = scope;
        old.file = file;
      } else this.#entries.set(key, { key, value: it.value, scope, file });
    }
    if (error) this.errors.push(error);
    return error === null;
  }

  /** The raw value of "section.name" (case-sensitive, as perf compares), or null. */
  get(key: string): string | null {
    if (typeof key !== "string") throw new TypeError(`key must be a string, got ${typeof key}`);
    return this.#entries.get(key)?.value ?? null;
  }

  /** All entries in `perf config -l` order. */
  entries(): ConfigEntry[] {
    return [...this.#entries.values()].map((e) => ({ ...e }));
  }

  /** `perf config -l` text: one "section.name=value" line per entry. */
  list(): string {
    return this.entries()
      .map((e) => `${e.key}=${e.value}\n`)
      .join("");
  }
}

/** Reads perf's config files (see {@link configFiles}) into one {@link PerfConfig}. */
export function loadPerfConfig(options: ConfigOptions = {}): PerfConfig {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const env = options.env ?? process.env;
  const cfg = new PerfConfig();
  for (const f of configFiles(env, options.systemPath ?? SYSTEM_CONFIG)) {
    if (f.scope === "user" && !userFileUsable(f.path)) continue;
    let text: string;
    try {
      text = readFileSync(f.path, "utf8");
    } catch {
      continue; // perf: a missing or unreadable file is skipped
    }
    // perf stops at the first file with a parse error (perf_config_set__init's goto out).
    if (!cfg.addText(text, f.scope, f.path)) break;
  }
  return cfg;
}

/**
 * The value of "section.key" from perf's config files with perf's precedence
 * (`$PERF_CONFIG` alone, else user `~/.perfconfig` over system `/etc/perfconfig`), or null.
 */
export function configGet(key: string, options: ConfigOptions = {}): string | null {
  if (typeof key !== "string" || key === "") throw new TypeError(`key must be a non-empty string, got ${typeof key}`);
  return loadPerfConfig(options).get(key);
}

/**
 * perf_config_bool: "true"/"yes"/"on" → true, "false"/"no"/"off"/"" → false, numbers by
 * value. Returns null for anything else (perf dies there).
 */
export function parseConfigBool(value: string): boolean | null {
  if (typeof value !== "string") throw new TypeError(`value must be a string, got ${typeof value}`);
  const v = value.toLowerCase();
  if (v === "") return false;
  if (v === "true" || v === "yes" || v === "on") return true;
  if (v === "false" || v === "no" || v === "off") return false;
  const n = parseConfigInt(value);
  return n === null ? null : n !== 0;
}

/** perf_config_int: a decimal/hex/octal integer with an optional k/m/g suffix, or null. */
export function parseConfigInt(value: string): number | null {
  if (typeof value !== "string") throw new TypeError(`value must be a string, got ${typeof value}`);
  const m = /^\s*([-+]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*))([kKmMgG]?)$/.exec(value);
  if (!m) return null;
  const body = m[1]!;
  const neg = body.startsWith("-");
  const digits = body.replace(/^[-+]/, "");
  let n = /^0[xX]/.test(digits)
    ? Number.parseInt(digits.slice(2), 16)
    : digits.length > 1 && digits.startsWith("0")
      ? Number.parseInt(digits, 8)
      : Number(digits);
  const unit = m[2]!.toLowerCase();
  n *= unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
  return neg ? -n : n;
}

/** {@link configGet} read as a perf boolean (null when unset or not a boolean). */
export function configGetBool(key: string, options: ConfigOptions = {}): boolean | null {
  const v = configGet(key, options);
  return v === null ? null : parseConfigBool(v);
}
