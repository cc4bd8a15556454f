/** The recording's `perf report --header-only` text for pages that show it. */
import type { PerfData } from "@perfkit/session";
import { PerfData as OpenPerfData } from "@perfkit/session";

/** The header text, or "" for stdin (as perf's scripts, which cannot reread a pipe) or on failure. */
export async function headerText(data: PerfData): Promise<string> {
  if (data.path === "-") return "";
  try {
    const { formatHeaderOnly } = await import("../header/index.ts");
    if (!data.isPipe) return formatHeaderOnly(data.file);
    // A saved pipe-mode file carries its features in-band: read them through a second handle.
    using again = new OpenPerfData({ path: data.path });
    return formatHeaderOnly(again.file);
  } catch {
    return "";
  }
}
