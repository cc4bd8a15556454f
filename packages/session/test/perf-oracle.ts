/** Helpers that run /usr/bin/perf on fixtures at test time (the oracles are never committed). */
import { join } from "node:path";

export const FIXTURES = join(import.meta.dir, "../../../tests/fixtures");

/** True when /usr/bin/perf can be run. */
export const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;

/** Runs perf with args and returns stdout (throws on failure). */
export function perf(args: string[], env: Record<string, string> = {}): string {
  const r = Bun.spawnSync(["perf", ...args], { env: { ...process.env, ...env }, stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`perf ${args.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
}
