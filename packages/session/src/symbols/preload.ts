/**
 * Symbol tables loaded ahead, on a second thread: a long walk over a big recording keeps the
 * main thread busy, while the kallsyms and ELF tables it will name frames with are known from
 * the header (the kernel's and every DSO's build id). The worker posts each table as
 * transferable columns; a lookup that needs one before it arrived blocks on a shared counter
 * and pulls the message synchronously, so callers stay synchronous.
 */
import type { MessagePort, Worker } from "node:worker_threads";
import { KernelSymbols } from "./kallsyms.ts";
import type { KallsymsColumns } from "./kallsyms-columns.ts";
import { type Sym, type SymbolColumns, SymbolTable } from "./symbol-table.ts";

/** One table to load. */
export type PreloadJob =
  | { key: string; kind: "kallsyms"; path: string }
  | { key: string; kind: "elf"; path: string; buildId: string | null };

/** What the worker posts per job. */
export type PreloadResult =
  | { key: string; kind: "kallsyms"; columns: KallsymsColumns }
  | { key: string; kind: "elf"; columns: SymbolColumns | null }
  | { key: string; kind: "failed" };

/** How long a lookup waits for a table before loading it itself (the worker may have died). */
const WAIT_LIMIT_MS = 20_000;

function workerThreads(): typeof import("node:worker_threads") {
  return import.meta.require("node:worker_threads");
}

/** The key of an ELF job: the inputs of loadDsoSymbols. */
export function elfJobKey(path: string, buildId: string | null): string {
  return `elf:${path}:${buildId ?? ""}`;
}

/** The key of a kallsyms job. */
export function kallsymsJobKey(path: string): string {
  return `kallsyms:${path}`;
}

/** Tables being loaded by a worker. */
export class SymbolPreloader {
  readonly #port: MessagePort;
  readonly #signal = new Int32Array(new SharedArrayBuffer(4));
  readonly #worker: Worker;
  readonly #pending = new Set<string>();
  readonly #ready = new Map<string, PreloadResult>();
  #seen = 0;

  /** Starts loading `jobs` (throws when a worker cannot be started). */
  constructor(jobs: PreloadJob[]) {
    // Loaded on first use: node:worker_threads pulls in node:events and more at start-up.
    const wt = workerThreads();
    const { port1, port2 } = new wt.MessageChannel();
    this.#port = port1;
    for (const j of jobs) this.#pending.add(j.key);
    this.#worker = new wt.Worker(new URL("./preload-worker.ts", import.meta.url), {
      workerData: { port: port2, signal: this.#signal, jobs },
      transferList: [port2],
    });
    // Never keep the process alive for tables nobody asked for.
    this.#worker.unref();
    this.#worker.on("error", () => this.#pending.clear());
  }

  /** Whether `key` was asked of the worker and not taken yet. */
  has(key: string): boolean {
    return this.#pending.has(key) || this.#ready.has(key);
  }

  /** The kernel symbols of a kallsyms job, or undefined when not preloaded (load it yourself). */
  kernelSymbols(key: string): KernelSymbols | undefined {
    const r = this.#take(key);
    return r?.kind === "kallsyms" ? new KernelSymbols(r.columns) : undefined;
  }

  /** The table of an ELF job (null: the DSO has none), or undefined when not preloaded. */
  elfSymbols(key: string): SymbolTable<Sym> | null | undefined {
    const r = this.#take(key);
    if (r?.kind !== "elf") return undefined;
    return r.columns ? SymbolTable.fromColumns(r.columns) : null;
  }

  /** Stops the worker. Safe to call twice. */
  close(): void {
    this.#pending.clear();
    this.#ready.clear();
    void this.#worker.terminate();
    this.#port.close();
  }

  #take(key: string): PreloadResult | undefined {
    const deadline = performance.now() + WAIT_LIMIT_MS;
    for (;;) {
      this.#drain();
      const r = this.#ready.get(key);
      if (r) {
        this.#ready.delete(key);
        return r;
      }
      if (!this.#pending.has(key) || performance.now() > deadline) {
        this.#pending.delete(key);
        return undefined;
      }
      Atomics.wait(this.#signal, 0, this.#seen, 50);
    }
  }

  #drain(): void {
    this.#seen = Atomics.load(this.#signal, 0);
    const receive = workerThreads().receiveMessageOnPort;
    for (let m = receive(this.#port); m; m = receive(this.#port)) {
      const r = m.message as PreloadResult;
      if (!this.#pending.delete(r.key)) continue;
      this.#ready.set(r.key, r);
    }
  }
}
