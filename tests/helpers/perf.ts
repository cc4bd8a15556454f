/** Helpers to run perf and perfkit side by side in tests. */
import { readdirSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..", "..");
export const FIXTURES = join(ROOT, "tests", "fixtures");
const CLI = join(ROOT, "packages", "cli", "src", "main.ts");

/** Every committed perf.data fixture, by file name. */
export function fixtures(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".data"))
    .sort();
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a command and captures its output (stdin from a file when given). */
export function run(cmd: string[], opts: { stdinFile?: string; env?: Record<string, string> } = {}): RunResult {
  const p = Bun.spawnSync(cmd, {
    stdin: opts.stdinFile ? Bun.file(opts.stdinFile) : "ignore",
    env: { ...process.env, ...opts.env },
    cwd: ROOT,
  });
  return { stdout: p.stdout.toString(), stderr: p.stderr.toString(), code: p.exitCode ?? -1 };
}

/** Runs /usr/bin/perf. */
export function perf(args: string[], opts: { stdinFile?: string } = {}): RunResult {
  return run(["perf", ...args], opts);
}

/** Runs the perfkit CLI. */
export function perfkit(args: string[], opts: { stdinFile?: string } = {}): RunResult {
  return run(["bun", CLI, ...args], opts);
}

/** Absolute path of a fixture. */
export function fixture(name: string): string {
  return join(FIXTURES, name);
}
