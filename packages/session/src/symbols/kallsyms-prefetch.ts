/**
 * Reads a kallsyms file on a worker thread while the caller walks the recording, so the
 * ~50 ms the kernel takes to generate /proc/kallsyms overlaps other work. The caller later
 * takes the text synchronously (Atomics.wait on a shared buffer: the walk never yields to
 * the event loop, so a message would arrive too late).
 */
import { Worker } from "node:worker_threads";

/** Room for the text: /proc/kallsyms is ~5-15 MB; bigger files are read in place instead. */
const CAPACITY = 64 << 20;
/** Never wait longer than this for the worker; the caller then reads the file itself. */
const WAIT_MS = 10_000;

interface Pending {
  shared: SharedArrayBuffer;
  worker: Worker;
}

const pending = new Map<string, Pending>();

/** Starts reading `path` in the background (once per path; a no-op when already started). */
export function prefetchKallsyms(path = "/proc/kallsyms"): void {
  if (typeof path !== "string" || path === "") throw new TypeError("path must be a non-empty string");
  if (pending.has(path)) return;
  try {
    const shared = new SharedArrayBuffer(CAPACITY);
    const worker = new Worker(new URL("./kallsyms-worker.ts", import.meta.url), { workerData: { path, shared } });
    // A prefetch must never keep the process alive or surface as an error event.
    worker.unref();
    worker.on("error", () => {});
    pending.set(path, { shared, worker });
  } catch {
    // No workers here: the text is read in place when needed.
  }
}

/** The prefetched text of `path` (waiting for the worker if needed), or null without a usable prefetch. */
export function takePrefetchedKallsyms(path: string): string | null {
  const p = pending.get(path);
  if (!p) return null;
  pending.delete(path);
  const state = new Int32Array(p.shared, 0, 2);
  Atomics.wait(state, 0, 0, WAIT_MS);
  const done = Atomics.load(state, 0) === 1;
  void p.worker.terminate();
  if (!done) return null;
  // kallsyms is ASCII; latin1 decoding is the cheapest exact decoding (and copies out of the shared buffer).
  return Buffer.from(p.shared, 8, state[1]).toString("latin1");
}
