/** `perfkit speedscope`: not written yet. */
export async function run(_args: string[]): Promise<number> {
  process.stderr.write("perfkit speedscope: not implemented yet\n");
  return 1;
}
