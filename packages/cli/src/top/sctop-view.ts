/** sctop.py as a live view: raw_syscalls:sys_enter counts by syscall, highest first. */

import type { SampleEvent } from "@perfkit/session";
import * as session from "@perfkit/session";
import type { TopView } from "./run-top.ts";

/** The session package's syscallName when it exports one (its syscall tables), else null. */
const syscallName = (session as unknown as { syscallName?: (id: number) => string | null }).syscallName;

/** A syscall's display name: perf's name, or the number when no table is available. */
export function nameOfSyscall(id: number): string {
  return (typeof syscallName === "function" ? syscallName(id) : null) ?? String(id);
}

/** sctop's view for an optional comm filter. */
export function sctopView(comm: string | undefined): TopView {
  let counts = new Map<number, number>();
  return {
    events: "raw_syscalls:sys_enter",
    onSample(ev: SampleEvent) {
      const id = Number(ev.field("id"));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    },
    report() {
      let out = comm !== undefined ? `\nsyscall events for ${comm}:\n\n` : "\nsyscall events:\n\n";
      out += `${"event".padEnd(40)}  ${"count".padStart(10)}\n`;
      out += `${"-".repeat(40)}  ${"-".repeat(10)}\n`;
      // sctop.py sorts by (count, id) descending.
      const rows = [...counts].sort((x, y) => y[1] - x[1] || y[0] - x[0]);
      for (const [id, n] of rows) out += `${nameOfSyscall(id).padEnd(40)}  ${String(n).padStart(10)}\n`;
      counts = new Map();
      return out;
    },
  };
}
