/**
 * `bun run build [OUTDIR]`: the CLI bundled with Bun's bundler (one chunk per command, loaded
 * on demand), the form a published package ships: it starts ~10 ms sooner than the
 * TypeScript sources, which need resolving and transpiling file by file. Default OUTDIR: dist.
 */
import { join } from "node:path";

const outdir = process.argv[2] ?? join(import.meta.dir, "..", "dist");
const result = await Bun.build({
  entrypoints: [join(import.meta.dir, "..", "src", "main.ts")],
  outdir,
  target: "bun",
  splitting: true,
  minify: true,
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built ${result.outputs.length} files into ${outdir}`);
