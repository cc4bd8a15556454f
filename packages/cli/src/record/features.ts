/** The header features perfkit record writes: what `perf report --header` shows for a recording. */

import { readFileSync } from "node:fs";
import { cpus, hostname, release, totalmem } from "node:os";
import { ByteWriter, encodeHeaderString, encodeStringFeature, encodeTracingData, Feature } from "@perfkit/format";
import { findTracefs } from "@perfkit/stubs";

/** uname -m as perf stores it (x86_64, aarch64, …). */
function machineArch(): string {
  return Bun.spawnSync(["uname", "-m"]).stdout.toString().trim() || process.arch;
}

/** HOSTNAME, OSRELEASE, VERSION, ARCH, NRCPUS, TOTAL_MEM, CPUDESC and CMDLINE payloads. */
export function recordFeatures(cmdline: readonly string[], le = true): Map<number, Uint8Array> {
  const f = new Map<number, Uint8Array>();
  f.set(Feature.HOSTNAME, encodeStringFeature(hostname(), le));
  f.set(Feature.OSRELEASE, encodeStringFeature(release(), le));
  // perf writes its own version here; say who wrote the file.
  f.set(Feature.VERSION, encodeStringFeature("6.1.perfkit", le));
  f.set(Feature.ARCH, encodeStringFeature(machineArch(), le));
  const n = cpus().length;
  f.set(Feature.NRCPUS, new ByteWriter(le).u32(n).u32(n).finish());
  f.set(Feature.TOTAL_MEM, new ByteWriter(le).u64(BigInt(Math.floor(totalmem() / 1024))).finish());
  const model = cpus()[0]?.model ?? "unknown";
  f.set(Feature.CPUDESC, encodeStringFeature(model, le));
  const w = new ByteWriter(le);
  w.u32(cmdline.length);
  for (const a of cmdline) encodeHeaderString(w, a);
  f.set(Feature.CMDLINE, w.finish());
  return f;
}

/**
 * The TRACING_DATA payload for the tracepoint events of a recording (names "system:event"),
 * read from tracefs as perf record does, or undefined when there are none or tracefs is absent.
 */
export function tracingDataFor(eventNames: readonly string[]): Uint8Array | undefined {
  const tracepoints = eventNames.filter((n) => /^[^:/]+:[^:/]+$/.test(n));
  if (tracepoints.length === 0) return undefined;
  const root = findTracefs();
  if (!root) return undefined;
  const read = (path: string) => {
    try {
      return readFileSync(`${root}/${path}`, "utf8");
    } catch {
      return "";
    }
  };
  const systems = new Map<string, string[]>();
  for (const name of tracepoints) {
    const [system, event] = name.split(":") as [string, string];
    const text = read(`events/${system}/${event}/format`);
    if (!text) continue;
    const list = systems.get(system) ?? [];
    list.push(text);
    systems.set(system, list);
  }
  return encodeTracingData({
    headerPage: read("events/header_page"),
    headerEvent: read("events/header_event"),
    systems,
    printk: read("printk_formats"),
    savedCmdlines: read("saved_cmdlines"),
  });
}
