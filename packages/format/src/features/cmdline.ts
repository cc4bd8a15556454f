/** CMDLINE: `u32 nr;` then `nr` strings (perf's path, then its arguments). */
import type { FeatureReader } from "./reader.ts";
import type { CmdlineFeature } from "./types.ts";

/** Decodes CMDLINE. */
export function decodeCmdline(r: FeatureReader): CmdlineFeature {
  return { feature: "CMDLINE", argv: r.stringList("argv") };
}
