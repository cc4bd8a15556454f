/** `perfkit script`: perf script's text output. */
export async function run(_args: string[]): Promise<number> {
  process.stderr.write("perfkit script: not implemented yet\n");
  return 1;
}
