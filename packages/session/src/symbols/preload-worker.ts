/**
 * The symbol preloader's worker: loads kallsyms and ELF symbol tables off the main thread
 * and posts them back as transferable columns (see preload.ts for the protocol).
 */
import { readFileSync } from "node:fs";
import { type MessagePort, workerData } from "node:worker_threads";
import { loadDsoSymbols } from "./dso-symbols.ts";
import { kallsymsColumns } from "./kallsyms-columns.ts";
import type { PreloadJob, PreloadResult } from "./preload.ts";

const { port, signal, jobs } = workerData as { port: MessagePort; signal: Int32Array; jobs: PreloadJob[] };

for (const job of jobs) {
  let result: PreloadResult;
  let transfer: ArrayBuffer[] = [];
  try {
    if (job.kind === "kallsyms") {
      const c = kallsymsColumns(readFileSync(job.path));
      result = { key: job.key, kind: "kallsyms", columns: c };
      transfer = [c.bytes, c.startHi, c.startLo, c.endHi, c.endLo, c.nameAt, c.nameEnd, c.module, c.binding].map(
        (a) => a.buffer as ArrayBuffer,
      );
    } else {
      const table = loadDsoSymbols(job.path, { buildId: job.buildId });
      const columns = table ? table.toColumns() : null;
      result = { key: job.key, kind: "elf", columns };
      if (columns)
        transfer = [columns.starts, columns.ends, columns.names, columns.nameAt, columns.binding].map(
          (a) => a.buffer as ArrayBuffer,
        );
    }
  } catch {
    // The main thread loads it itself and meets the same problem there.
    result = { key: job.key, kind: "failed" };
  }
  // Typed arrays over one buffer (a file read into a pooled Buffer) are copied, not moved.
  port.postMessage(
    result,
    [...new Set(transfer)].filter((b) => b.byteLength > 0 && !(b instanceof SharedArrayBuffer)),
  );
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}
port.close();
