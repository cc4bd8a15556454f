import { statSync } from "node:fs";
import { join } from "node:path";

/** perf 6.1's compiled-in system config path. */
export const SYSTEM_CONFIG = "/etc/perfconfig";

/** An environment; perf's config lookup reads HOME, PERF_CONFIG, PERF_CONFIG_NOSYSTEM, PERF_CONFIG_NOGLOBAL. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** One config file perf would read, lowest precedence first. */
export interface ConfigFile {
  scope: "system" | "user" | "exclusive";
  path: string;
}

/** perf_env_bool: unset → default; otherwise "true"/"yes"/"on"/non-zero number → true. */
function envBool(v: string | undefined): boolean {
  if (v === undefined) return false;
  const s = v.toLowerCase();
  if (s === "" || s === "false" || s === "no" || s === "off") return false;
  if (s === "true" || s === "yes" || s === "on") return true;
  const n = Number.parseInt(s, 10);
  return Number.isNaN(n) ? false : n !== 0;
}

/**
 * The files perf reads, in order: `$PERF_CONFIG` alone when set (even empty; /dev/null
 * disables config), else `/etc/perfconfig` (unless $PERF_CONFIG_NOSYSTEM) then
 * `$HOME/.perfconfig` (unless $PERF_CONFIG_NOGLOBAL; skipped without $HOME).
 */
export function configFiles(env: ConfigEnv = process.env, systemPath = SYSTEM_CONFIG): ConfigFile[] {
  if (typeof env !== "object" || env === null) throw new TypeError(`env must be an object, got ${typeof env}`);
  if (typeof systemPath !== "string") throw new TypeError(`systemPath must be a string, got ${typeof systemPath}`);
  if (env.PERF_CONFIG !== undefined) return [{ scope: "exclusive", path: env.PERF_CONFIG }];
  const out: ConfigFile[] = [];
  if (!envBool(env.PERF_CONFIG_NOSYSTEM)) out.push({ scope: "system", path: systemPath });
  if (!envBool(env.PERF_CONFIG_NOGLOBAL) && env.HOME) out.push({ scope: "user", path: join(env.HOME, ".perfconfig") });
  return out;
}

/**
 * perf's checks before reading the user file: it must exist, be non-empty and be owned
 * by the current user or root.
 */
export function userFileUsable(path: string): boolean {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size === 0) return false;
    const euid = typeof process.geteuid === "function" ? process.geteuid() : 0;
    return st.uid === 0 || st.uid === euid;
  } catch {
    return false;
  }
}
