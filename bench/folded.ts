/**
 * Folded-stack count (samples per unique symbolised stack) through the public session API —
 * the work bench/folded.py does in perf's embedded Python — written the way a perfkit user
 * would for speed: `session.sampleWalk()` hands out each sample as numbers with an interned
 * callchain id, so each distinct chain is symbolised once per address space (`resolveChain`)
 * and every sample costs a few array reads.
 */
import { AttrType } from "@perfkit/format";
import {
  type Evsel,
  type MapEntry,
  PerfData,
  resolveChain,
  resolveIp,
  type SampleWalk,
  Session,
  type Thread,
} from "@perfkit/session";

/** Per address space (user maps snapshot, with its kernel snapshot): folded-name id + 1 per chain id. */
interface SpaceMemo {
  kernel: readonly MapEntry[];
  byChain: Int32Array;
}

/** Samples per (comm, folded names): what folded.py's `counts` dict holds. */
class FoldedCounts {
  readonly #nameIds = new Map<string, number>();
  readonly #commIds = new Map<string, number>();
  /** Per comm id, the sample count per name id. */
  readonly #counts: Float64Array[] = [];

  /** The id of a folded name list (without the comm). */
  nameId(names: string): number {
    let id = this.#nameIds.get(names);
    if (id === undefined) {
      id = this.#nameIds.size;
      this.#nameIds.set(names, id);
    }
    return id;
  }

  /** The counts of one comm, by name id (grown as names are added). */
  perComm(comm: string): Float64Array {
    let c = this.#commIds.get(comm);
    if (c === undefined) {
      c = this.#counts.length;
      this.#commIds.set(comm, c);
      this.#counts.push(new Float64Array(64));
    }
    return this.#counts[c]!;
  }

  /** Counts one sample of name id `id` in `perComm`, returning the (possibly grown) array. */
  add(comm: string, perComm: Float64Array, id: number): Float64Array {
    if (id >= perComm.length) {
      const grown = new Float64Array(Math.max(2 * perComm.length, id + 1));
      grown.set(perComm);
      this.#counts[this.#commIds.get(comm)!] = grown;
      perComm = grown;
    }
    perComm[id]!++;
    return perComm;
  }

  /** Distinct (comm, names) pairs and the total, as folded.py prints them. */
  summary(): [number, number] {
    let unique = 0;
    let total = 0;
    for (const perName of this.#counts)
      for (const n of perName)
        if (n > 0) {
          unique++;
          total += n;
        }
    return [unique, total];
  }
}

function foldedCount(path: string): [number, number] {
  using data = new PerfData({ path });
  using session = new Session(data);
  const kernelMaps = session.machine.kernelMaps;
  const bySpace = new WeakMap<readonly MapEntry[], SpaceMemo>();
  const counts = new FoldedCounts();
  // Counts only: samples may come in arrival order between side-band records.
  const w: SampleWalk = session.sampleWalk({ order: "state" });
  let lastEvsel: Evsel | undefined;
  let skip = false;
  let lastThread: Thread | undefined;
  let lastComm = "";
  let perComm: Float64Array = new Float64Array(0);
  let lastUser: readonly MapEntry[] | undefined;
  let lastKernel: readonly MapEntry[] | undefined;
  let memo: SpaceMemo = { kernel: [], byChain: new Int32Array(0) };
  while (w.next()) {
    if (w.evsel !== lastEvsel) {
      lastEvsel = w.evsel;
      // perf's Python engine hands tracepoint samples to per-event handlers, not process_event.
      skip = lastEvsel.attr.type === AttrType.TRACEPOINT;
    }
    if (skip) continue;
    const thread = w.thread;
    const comm = thread.comm();
    if (thread !== lastThread || comm !== lastComm) {
      lastThread = thread;
      lastComm = comm;
      perComm = counts.perComm(comm);
    }
    const kernel = kernelMaps.snapshot();
    const user = thread.maps.snapshot();
    let id: number;
    const chain = w.chain;
    if (chain >= 0) {
      // Address spaces change rarely: look the memo up only when they do.
      if (user !== lastUser || kernel !== lastKernel) {
        lastUser = user;
        lastKernel = kernel;
        let m = bySpace.get(user);
        if (!m || m.kernel !== kernel) {
          m = { kernel, byChain: new Int32Array(w.chains.length + 64) };
          bySpace.set(user, m);
        }
        memo = m;
      }
      if (chain >= memo.byChain.length) {
        const bigger = new Int32Array(2 * (chain + 1));
        bigger.set(memo.byChain);
        memo.byChain = bigger;
      }
      id = memo.byChain[chain]! - 1;
      if (id < 0) {
        const frames = resolveChain({ kernel, user }, w.chains, chain);
        id = counts.nameId(
          frames
            .map((f) => f.sym?.name ?? "[unknown]")
            .reverse()
            .join(";"),
        );
        memo.byChain[chain] = id + 1;
      }
    } else {
      const ip = w.ip;
      const sym = ip === undefined ? null : resolveIp({ kernel, user }, w.misc & 7, ip).sym;
      id = counts.nameId(sym?.name ?? "[unknown]");
    }
    if (id < perComm.length) perComm[id]!++;
    else perComm = counts.add(comm, perComm, id);
  }
  return counts.summary();
}

const [unique, total] = foldedCount(process.argv[2] ?? "perf.data");
console.log(unique, total);
