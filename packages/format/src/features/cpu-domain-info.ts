/**
 * CPU_DOMAIN_INFO (newest perf): `u32 schedstat_version; u32 max_sched_domains;` then per
 * online CPU `u32 cpu; u32 nr_domains;` per domain `u32 domain; [string name if version
 * >= 17]; string cpumask; string cpulist`.
 */
import type { FeatureReader } from "./reader.ts";
import type { CpuDomainInfoFeature, FeatureContext, SchedDomain } from "./types.ts";

/** Decodes CPU_DOMAIN_INFO; without NRCPUS it reads CPUs until the section ends. */
export function decodeCpuDomainInfo(r: FeatureReader, ctx: FeatureContext): CpuDomainInfoFeature {
  const schedstatVersion = r.u32("schedstat_version");
  const maxSchedDomains = r.u32("max_sched_domains");
  const named = schedstatVersion >= 17;
  const nrCpus = ctx.nrCpusOnline;
  if (nrCpus !== undefined) r.needEntries(nrCpus, 8, "cpus");
  const cpus: CpuDomainInfoFeature["cpus"] = [];
  while (nrCpus === undefined ? r.remaining > 0 : cpus.length < nrCpus) {
    const cpu = r.u32("cpu");
    const nrDomains = r.u32("nr_domains");
    r.needEntries(nrDomains, named ? 16 : 12, "domains");
    const domains: SchedDomain[] = [];
    for (let i = 0; i < nrDomains; i++) {
      const domain = r.u32("domain");
      const name = named ? r.string("domain name") : undefined;
      const cpumask = r.string("cpumask");
      const cpulist = r.string("cpulist");
      domains.push(name === undefined ? { domain, cpumask, cpulist } : { domain, name, cpumask, cpulist });
    }
    cpus.push({ cpu, domains });
  }
  return { feature: "CPU_DOMAIN_INFO", schedstatVersion, maxSchedDomains, cpus };
}
