/**
 * CPU_TOPOLOGY (§5.4). Optional parts are detected the way perf does it: by comparing the
 * bytes consumed so far against the section size, so old writers' shorter sections decode.
 */
import type { FeatureReader } from "./reader.ts";
import type { CpuTopologyCpu, CpuTopologyFeature, FeatureContext } from "./types.ts";

/** Decodes CPU_TOPOLOGY; the per-CPU parts need `ctx.nrCpusAvail` (from NRCPUS). */
export function decodeCpuTopology(r: FeatureReader, ctx: FeatureContext): CpuTopologyFeature {
  const siblingSockets = r.stringList("sibling sockets");
  const siblingThreads = r.stringList("sibling threads");
  const out: CpuTopologyFeature = { feature: "CPU_TOPOLOGY", siblingSockets, siblingThreads };
  if (r.remaining === 0) return out;
  const nr = ctx.nrCpusAvail;
  if (nr === undefined) r.fail("per-CPU ids present but NRCPUS is unknown");
  r.needEntries(nr, 8, "per-CPU core/socket ids");
  const cpus: CpuTopologyCpu[] = [];
  for (let i = 0; i < nr; i++) {
    const coreId = r.u32("core_id");
    const socketId = r.u32("socket_id");
    cpus.push({ coreId, socketId });
  }
  out.cpus = cpus;
  if (r.remaining === 0) return out;
  out.siblingDies = r.stringList("sibling dies");
  r.needEntries(nr, 4, "per-CPU die ids");
  for (const cpu of cpus) cpu.dieId = r.u32("die_id");
  return out;
}
