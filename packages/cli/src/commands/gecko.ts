/** `perfkit gecko`: not written yet. */
export async function run(_args: string[]): Promise<number> {
  process.stderr.write("perfkit gecko: not implemented yet\n");
  return 1;
}
