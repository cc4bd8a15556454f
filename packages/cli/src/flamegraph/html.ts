/**
 * The self-contained HTML flame graph: the bundled d3-flame-graph viewer (assets/, inlined),
 * the trees as inert JSON, and the recording's header. Every name reaches the page only as
 * JSON data rendered through DOM text (never markup), and the JSON is escaped so no name can
 * close its script element.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FlameNode } from "./tree.ts";

/** The two colour schemes of perf's flamegraph.py. */
export type ColorScheme = "blue-green" | "orange";

/** One tree of the page (one per event, plus all events together). */
export interface FlameTrack {
  /** What the tree counts: an event name or "all events". */
  label: string;
  samples: number;
  tree: FlameNode;
}

/** What the page shows. */
export interface FlamePage {
  title: string;
  colorscheme: ColorScheme;
  /** `perf report --header-only` text of the recording ("" when not available, as for stdin). */
  header: string;
  tracks: FlameTrack[];
}

const ASSETS = join(import.meta.dir, "..", "..", "assets");

/** JSON safe inside a `<script>` element: `<`, `>`, `&` and the JS line separators escaped. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Escapes text for an HTML text node or attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Inline script text: a stray `</script` inside it would end the element early. */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1");
}

/** Renders the page. */
export function renderFlamePage(page: FlamePage): string {
  if (typeof page !== "object" || page === null) throw new TypeError("page must be an object");
  if (!Array.isArray(page.tracks) || page.tracks.length === 0)
    throw new TypeError("page.tracks must be a non-empty array");
  if (page.colorscheme !== "blue-green" && page.colorscheme !== "orange")
    throw new TypeError(`page.colorscheme must be blue-green or orange, got ${String(page.colorscheme)}`);
  const viewer = readFileSync(join(ASSETS, "flamegraph-viewer.js"), "utf8");
  const css = readFileSync(join(ASSETS, "flamegraph-viewer.css"), "utf8");
  const data = scriptSafeJson({ colorscheme: page.colorscheme, header: page.header, tracks: page.tracks });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(page.title)}</title>
<style>
${css.replace(/<\/(style)/gi, "<\\/$1")}
body { font-family: Verdana, sans-serif; margin: 10px; }
header { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
header h1 { font-size: 18px; margin: 0 12px 0 0; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 10px; vertical-align: middle; }
#details { min-height: 1.4em; font-size: 13px; margin-top: 4px; white-space: pre; overflow: hidden; }
pre#header { font-size: 12px; background: #f6f6f6; padding: 8px; overflow: auto; }
</style>
</head>
<body>
<header>
<h1>${escapeHtml(page.title)}</h1>
<label>Samples of <select id="track"></select></label>
<input id="search" type="search" placeholder="search (regex)">
<button id="reset" type="button">Reset zoom</button>
<span class="legend"><span id="legend-user"></span>user<span id="legend-kernel"></span>kernel</span>
</header>
<div id="chart"></div>
<div id="details"></div>
<details><summary>Recording header</summary><pre id="header"></pre></details>
<script type="application/json" id="flamegraph-data">${data}</script>
<script>${inlineScript(viewer)}</script>
<script>${inlineScript(PAGE_SCRIPT)}</script>
</body>
</html>
`;
}

/** The page's own script: builds the chart from the JSON data, with DOM text only. */
const PAGE_SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("flamegraph-data").textContent);
  var lib = window.perfkitFlamegraph;
  var hues = data.colorscheme === "orange"
    ? { user: [230, 140, 30], kernel: [200, 60, 40] }
    : { user: [70, 130, 220], kernel: [50, 170, 90] };
  function shade(rgb, name) {
    var h = 0;
    for (var i = 0; i < name.length && i < 8; i++) h = (h * 31 + name.charCodeAt(i)) % 1000;
    var k = 0.75 + 0.25 * (h / 1000);
    return "rgb(" + Math.round(rgb[0] * k) + "," + Math.round(rgb[1] * k) + "," + Math.round(rgb[2] * k) + ")";
  }
  function color(d) {
    if (d.highlight) return "#e600e6";
    if (d.data.l === "root") return "rgb(190,190,190)";
    return shade(d.data.l === "kernel" ? hues.kernel : hues.user, d.data.n || "");
  }
  document.getElementById("legend-user").style.background = shade(hues.user, "");
  document.getElementById("legend-kernel").style.background = shade(hues.kernel, "");
  document.getElementById("header").textContent = data.header || "(not available for this input)";
  var select = document.getElementById("track");
  data.tracks.forEach(function (t, i) {
    var o = document.createElement("option");
    o.value = String(i);
    o.textContent = t.label + " (" + t.samples + " samples)";
    select.appendChild(o);
  });
  var details = document.getElementById("details");
  var chart = null;
  function label(d) {
    var kind = d.data.l === "kernel" ? " [kernel]" : "";
    var total = chart && chart.__total ? chart.__total : d.value;
    var pct = total ? (100 * d.value / total).toFixed(2) : "0";
    return (d.data.n || "") + kind + " (" + d.value + " samples, " + pct + "%)";
  }
  function draw(i) {
    var track = data.tracks[i];
    var el = document.getElementById("chart");
    el.textContent = "";
    chart = lib.flamegraph()
      .width(Math.max(document.documentElement.clientWidth - 30, 400))
      .cellHeight(18)
      .selfValue(true)
      .minFrameSize(1)
      .transitionDuration(250)
      .setColorMapper(color)
      .setLabelHandler(label)
      .setDetailsElement(details);
    chart.__total = 0;
    lib.select(el).datum(track.tree).call(chart);
    var root = lib.select(el).select("g").datum();
    chart.__total = root ? root.value : 0;
    document.body.setAttribute("data-track", String(i));
  }
  select.addEventListener("change", function () { draw(Number(select.value)); });
  document.getElementById("reset").addEventListener("click", function () { if (chart) chart.resetZoom(); });
  document.getElementById("search").addEventListener("input", function (e) {
    if (!chart) return;
    var term = e.target.value;
    try { if (term) chart.search(term); else chart.clear(); } catch (err) { chart.clear(); }
  });
  draw(0);
  document.body.setAttribute("data-ready", "1");
})();
`;
