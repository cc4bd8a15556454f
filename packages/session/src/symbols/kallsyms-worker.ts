/**
 * Worker side of {@link prefetchKallsyms}: reads a kallsyms file (the kernel builds
 * /proc/kallsyms on the fly, ~50 ms) into the shared buffer and wakes the waiting thread.
 * Slot 0: 0 pending, 1 done, 2 failed; slot 1: byte length; bytes from offset 8.
 */
import { readFileSync } from "node:fs";
import { workerData } from "node:worker_threads";

const { path, shared } = workerData as { path: string; shared: SharedArrayBuffer };
const state = new Int32Array(shared, 0, 2);
try {
  const bytes = readFileSync(path);
  if (bytes.length + 8 > shared.byteLength) Atomics.store(state, 0, 2);
  else {
    new Uint8Array(shared, 8, bytes.length).set(bytes);
    state[1] = bytes.length;
    Atomics.store(state, 0, 1);
  }
} catch {
  Atomics.store(state, 0, 2);
}
Atomics.notify(state, 0);
