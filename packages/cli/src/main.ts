#!/usr/bin/env bun
import { formatCliError } from "./_errors.ts";
/**
 * `perfkit <command> [args]`: each command lives in its own file under commands/ and is
 * loaded only when asked for, so start-up stays cheap.
 */
import { COMMANDS, type CommandModule } from "./commands/index.ts";

const USAGE = `usage: perfkit <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(20)} ${c.summary}`)
  .join("\n")}
`;

/** Runs the CLI with `argv` (without the `bun main.ts` prefix); resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help" || name === "help") {
    process.stdout.write(USAGE);
    return name ? 0 : 1;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`perfkit: unknown command '${name}'\n${USAGE}`);
    return 1;
  }
  try {
    const mod: CommandModule = await entry.load();
    return await mod.run(rest);
  } catch (e) {
    process.stderr.write(`perfkit ${name}: ${formatCliError(e)}\n`);
    if (process.env.PERFKIT_DEBUG) console.error(e);
    return 1;
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  // Flush stdout before exiting so piped output is complete.
  process.exitCode = code;
}
