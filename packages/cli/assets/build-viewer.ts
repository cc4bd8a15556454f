/**
 * Rebuilds flamegraph-viewer.js (d3-flame-graph + d3, minified, one IIFE) and
 * flamegraph-viewer.css from node_modules: `bun packages/cli/assets/build-viewer.ts`.
 * The outputs are committed so perfkit needs neither a bundler nor node_modules at run time.
 */
import { dirname, join } from "node:path";

const here = import.meta.dir;
const result = await Bun.build({
  entrypoints: [join(here, "viewer-entry.ts")],
  format: "iife",
  minify: true,
  target: "browser",
  plugins: [
    {
      name: "css-as-nothing",
      setup(build) {
        // The library imports its stylesheet; the page inlines it separately.
        build.onLoad({ filter: /\.css$/ }, () => ({ contents: "", loader: "js" }));
      },
    },
  ],
});
if (!result.success) {
  for (const m of result.logs) console.error(m);
  process.exit(1);
}
const js = await result.outputs[0]!.text();
await Bun.write(join(here, "flamegraph-viewer.js"), js);
const pkg = Bun.resolveSync("d3-flame-graph/package.json", here);
const css = await Bun.file(join(dirname(pkg), "dist", "d3-flamegraph.css")).text();
await Bun.write(join(here, "flamegraph-viewer.css"), css);
console.log(`flamegraph-viewer.js ${js.length} bytes, flamegraph-viewer.css ${css.length} bytes`);
