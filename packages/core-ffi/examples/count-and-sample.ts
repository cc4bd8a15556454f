// Run from the repo root: bun packages/core-ffi/examples/count-and-sample.ts
import { CpuMap, Evsel, parseEventSpecs, parseEvents, scaledCount } from "@perfkit/core-ffi";

// 1. Count page faults and task-clock of a workload, the way `perf stat` does.
const child = Bun.spawn(["sh", "-c", "read _; exec dd if=/dev/zero of=/dev/null bs=1M count=100"], {
  stdin: "pipe",
  stderr: "ignore",
});
const counters = parseEventSpecs("task-clock,page-faults").map((spec) => new Evsel(spec));
for (const ev of counters) {
  ev.attr.disabled = true;
  ev.attr.enableOnExec = true; // start counting when the shell execs dd
  ev.open({ cpus: CpuMap.any(), threads: child.pid, inherit: true });
}
child.stdin.write("\n");
await child.stdin.end();
await child.exited;
for (const ev of counters) {
  using _ = ev; // closes the fds at the end of this iteration
  console.log(`${ev.name}: ${scaledCount(ev.read(-1, child.pid))}`);
}

// 2. Sample cpu-clock on this process for 100 ms and count the records per type.
{
  using list = parseEvents("cpu-clock", new CpuMap(), process.pid);
  list.config({ freq: 1000 });
  list.open();
  list.mmap(16);
  list.enable();
  const end = Date.now() + 100;
  while (Date.now() < end) {} // burn CPU
  list.disable();
  const types = new Map<number, number>();
  for (const cpu of list.cpus) {
    for (let rec = list.readOnCpu(cpu); rec !== null; rec = list.readOnCpu(cpu)) {
      const type = new DataView(rec.buffer, rec.byteOffset).getUint32(0, true);
      types.set(type, (types.get(type) ?? 0) + 1);
    }
  }
  console.log("records by type:", Object.fromEntries(types)); // 9 = PERF_RECORD_SAMPLE
}
