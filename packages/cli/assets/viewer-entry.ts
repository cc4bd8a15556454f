/**
 * Entry of the bundled flame graph viewer: d3-flame-graph and the d3 pieces it needs, exposed
 * as `window.perfkitFlamegraph` for the page script. Built by build-viewer.ts into
 * flamegraph-viewer.js, which every HTML flame graph inlines (no network at view time).
 */
import { select } from "d3-selection";
import flamegraph from "d3-flame-graph";

(globalThis as unknown as { perfkitFlamegraph: unknown }).perfkitFlamegraph = { flamegraph, select };
