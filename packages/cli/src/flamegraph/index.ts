/** Flame graphs: perf's flamegraph.py tree (JSON) and the self-contained HTML page. */

export { pyJsonString } from "./_pyjson.ts";
export {
  type ColorScheme,
  escapeHtml,
  type FlamePage,
  type FlameTrack,
  renderFlamePage,
  scriptSafeJson,
} from "./html.ts";
export { type FlameNode, FlameTree, type Libtype } from "./tree.ts";
