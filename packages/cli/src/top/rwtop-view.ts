/** rwtop (perf's rwtop.pl) as a live view: read and write totals per pid. */
import type { SampleEvent } from "@perfkit/session";
import type { TopView } from "./run-top.ts";

interface Reads {
  comm: string;
  reads: number;
  bytesRequested: number;
  bytesRead: number;
}
interface Writes {
  comm: string;
  writes: number;
  bytesWritten: number;
}

/** rwtop's view. */
export function rwtopView(): TopView {
  let reads = new Map<number, Reads>();
  let writes = new Map<number, Writes>();
  const r = (pid: number, comm: string) => {
    let e = reads.get(pid);
    if (!e) {
      e = { comm, reads: 0, bytesRequested: 0, bytesRead: 0 };
      reads.set(pid, e);
    }
    return e;
  };
  return {
    events: "syscalls:sys_enter_read,syscalls:sys_exit_read,syscalls:sys_enter_write",
    onSample(ev: SampleEvent) {
      const pid = ev.samplePid ?? -1;
      const name = ev.evsel.name;
      if (name === "syscalls:sys_enter_read") {
        const e = r(pid, ev.comm);
        e.reads++;
        e.bytesRequested += Number(ev.field("count"));
      } else if (name === "syscalls:sys_exit_read") {
        const ret = Number(ev.field("ret"));
        if (ret > 0) r(pid, ev.comm).bytesRead += ret;
      } else {
        let e = writes.get(pid);
        if (!e) {
          e = { comm: ev.comm, writes: 0, bytesWritten: 0 };
          writes.set(pid, e);
        }
        e.writes++;
        e.bytesWritten += Number(ev.field("count"));
      }
    },
    report() {
      let out = "read counts by pid:\n\n";
      out += `${"pid".padStart(6)}  ${"comm".padStart(20)}  ${"# reads".padStart(10)}  ${"bytes_req".padStart(10)}  ${"bytes_read".padStart(10)}\n`;
      out += `${"-".repeat(6)}  ${"-".repeat(20)}  ${"-".repeat(10)}  ${"-".repeat(10)}  ${"-".repeat(10)}\n`;
      // rwtop.pl sorts readers by bytes read, writers by bytes written, highest first.
      for (const [pid, e] of [...reads].sort((a, b) => b[1].bytesRead - a[1].bytesRead)) {
        out += `${String(pid).padStart(6)}  ${e.comm.padStart(20)}  ${String(e.reads).padStart(10)}  ${String(e.bytesRequested).padStart(10)}  ${String(e.bytesRead).padStart(10)}\n`;
      }
      out += "\nwrite counts by pid:\n\n";
      out += `${"pid".padStart(6)}  ${"comm".padStart(20)}  ${"# writes".padStart(10)}  ${"bytes_written".padStart(13)}\n`;
      out += `${"-".repeat(6)}  ${"-".repeat(20)}  ${"-".repeat(10)}  ${"-".repeat(13)}\n`;
      for (const [pid, e] of [...writes].sort((a, b) => b[1].bytesWritten - a[1].bytesWritten)) {
        out += `${String(pid).padStart(6)}  ${e.comm.padStart(20)}  ${String(e.writes).padStart(10)}  ${String(e.bytesWritten).padStart(13)}\n`;
      }
      reads = new Map();
      writes = new Map();
      return `${out}\n`;
    },
  };
}
