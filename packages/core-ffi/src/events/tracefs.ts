/** tracefs: where tracepoint ids and formats live; mounted on demand when missing. */
import { existsSync, readdirSync, readFileSync } from "node:fs";

const CANDIDATES = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
let found: string | null = null;

/**
 * The tracefs directory that has an `events/` tree. When none is mounted, tries
 * `mount -t tracefs nodev /sys/kernel/tracing` (works as root) before giving up.
 */
export function tracefsRoot(): string {
  if (found !== null) return found;
  const pick = () => CANDIDATES.find((d) => existsSync(`${d}/events`)) ?? null;
  found = pick();
  if (found === null && existsSync(CANDIDATES[0]!)) {
    Bun.spawnSync(["mount", "-t", "tracefs", "nodev", CANDIDATES[0]!], { stdout: "ignore", stderr: "ignore" });
    found = pick();
  }
  if (found === null) {
    throw new Error(
      "tracefs is not mounted and could not be mounted: run `mount -t tracefs nodev /sys/kernel/tracing` as root",
    );
  }
  return found;
}

/** A resolved tracepoint. */
export interface Tracepoint {
  system: string;
  event: string;
  /** The id to put in attr.config. */
  id: number;
  /** Path of its `format` file (field layout for PERF_SAMPLE_RAW). */
  formatPath: string;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}

/**
 * Resolves `system:event` (either part may contain `*` and `?` globs) to tracepoints.
 * Throws an error naming the tracepoint when nothing matches or it cannot be read.
 */
export function resolveTracepoints(system: string, event: string): Tracepoint[] {
  const root = `${tracefsRoot()}/events`;
  const sysRe = globToRegExp(system);
  const evRe = globToRegExp(event);
  const out: Tracepoint[] = [];
  for (const sys of listDir(root)) {
    if (!sysRe.test(sys)) continue;
    for (const ev of listDir(`${root}/${sys}`)) {
      if (!evRe.test(ev)) continue;
      const dir = `${root}/${sys}/${ev}`;
      let idText: string;
      try {
        idText = readFileSync(`${dir}/id`, "utf8");
      } catch {
        continue; // "enable"/"filter" files and directories without an id
      }
      out.push({ system: sys, event: ev, id: Number.parseInt(idText, 10), formatPath: `${dir}/format` });
    }
  }
  if (out.length === 0) {
    const hint = existsSync(`${root}/${system}`) ? "" : ` (no tracepoint system '${system}' in ${root})`;
    throw new Error(`unknown tracepoint '${system}:${event}'${hint}; see \`perf list tracepoint\``);
  }
  return out;
}
