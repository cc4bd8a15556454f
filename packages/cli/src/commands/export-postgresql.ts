/**
 * `perfkit export-postgresql [-i FILE] -o DBNAME|postgres://… [--columns all|branches]
 * [--callchains]`: perf's export-to-postgresql.py as a standalone command (server from the
 * PG* variables or the URL).
 */
import { PerfData, Session } from "@perfkit/session";
import { UsageError } from "../_errors.ts";
import { parseExportArgs, reportCounts } from "../export/_cli.ts";
import { exportToPostgres, parsePostgresTarget } from "../export/postgres.ts";

const USAGE =
  "usage: perfkit export-postgresql [-i perf.data] -o DBNAME|postgres://user@host:port/DBNAME [--columns all|branches] [--callchains] [-q]\n" +
  "  a plain DBNAME connects with PGHOST, PGPORT, PGUSER and PGPASSWORD";

export async function run(args: string[]): Promise<number> {
  const a = parseExportArgs(args, USAGE);
  if (!a) return 0; // --help was shown
  if (a.output === undefined) throw new UsageError(`a database name is required (-o DBNAME)\n${USAGE}`);
  const target = parsePostgresTarget(a.output);
  const t0 = performance.now();
  using data = new PerfData({ path: a.input });
  using session = new Session(data);
  const counts = await exportToPostgres(session, target, a.options);
  reportCounts(target.database, counts, performance.now() - t0);
  return 0;
}
