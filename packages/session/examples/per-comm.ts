/** Samples per command and the hottest symbols: `bun examples/per-comm.ts perf.data`. */
import { PerfData, Session } from "@perfkit/session";

using data = new PerfData({ path: process.argv[2] ?? "perf.data" });
const perComm = new Map<string, number>();
const perSym = new Map<string, number>();
using session = new Session(data, {
  sample(ev) {
    perComm.set(ev.comm, (perComm.get(ev.comm) ?? 0) + 1);
    const key = `${ev.symbol ?? "[unknown]"} (${ev.dso ?? "[unknown]"})`;
    perSym.set(key, (perSym.get(key) ?? 0) + 1);
  },
});
session.processEvents();
console.log("samples per comm:", Object.fromEntries(perComm));
for (const [sym, n] of [...perSym].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(String(n).padStart(6), sym);
