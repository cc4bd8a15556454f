/** One-line rendering of any error for the terminal: no stack traces for users. */
export function formatCliError(e: unknown): string {
  if (e instanceof Error) return e.message.split("\n")[0];
  return String(e);
}

/** An error in the command line itself (bad flag, missing value). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
