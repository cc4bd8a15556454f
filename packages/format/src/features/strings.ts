/** HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC, CPUID: a single perf_header_string each. */
import type { FeatureReader } from "./reader.ts";
import type { StringFeature } from "./types.ts";

/** Decodes one of the single-string features. */
export function decodeStringFeature(r: FeatureReader, feature: StringFeature["feature"]): StringFeature {
  return { feature, value: r.string(feature) };
}
