/**
 * `perfkit export-sqlite [-i FILE] [-o perf.db] [--columns all|branches] [--callchains]`:
 * perf's export-to-sqlite.py as a standalone command.
 */
import { PerfData, Session } from "@perfkit/session";
import { parseExportArgs, reportCounts } from "../export/_cli.ts";
import { exportToSqlite } from "../export/sqlite.ts";

const USAGE =
  "usage: perfkit export-sqlite [-i perf.data] [-o perf.db] [--columns all|branches] [--callchains] [-q]\n" +
  "  (perf's spelling also works: perfkit export-sqlite -i perf.data perf.db branches callchains)";

export async function run(args: string[]): Promise<number> {
  const a = parseExportArgs(args, USAGE);
  if (!a) return 0; // --help was shown
  const out = a.output ?? "perf.db";
  const t0 = performance.now();
  using data = new PerfData({ path: a.input });
  using session = new Session(data);
  const counts = exportToSqlite(session, out, a.options);
  reportCounts(out, counts, performance.now() - t0);
  return 0;
}
