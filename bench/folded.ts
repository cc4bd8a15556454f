/**
 * Folded-stack count (samples per unique symbolised stack) through the public session API —
 * the work bench/folded.py does in perf's embedded Python — written the way a perfkit user
 * would for speed: `session.sampleWalk()` hands out each sample as numbers with an interned
 * callchain id, so each distinct chain is symbolised once per address space (`resolveChain`)
 * and every sample costs a few array reads.
 */
import { AttrType } from "@perfkit/format";
import { type MapEntry, PerfData, resolveChain, resolveIp, Session, type Thread } from "@perfkit/session";

/** Folded names (without the comm) by id, and per address space the name id + 1 of each chain. */
const nameIds = new Map<string, number>();
const bySpace = new WeakMap<readonly MapEntry[], { kernel: readonly MapEntry[]; byChain: Int32Array }>();
/** Per comm id, the sample count per name id. */
const counts: number[][] = [];
const commIds = new Map<string, number>();

function nameId(names: string): number {
  let id = nameIds.get(names);
  if (id === undefined) {
    id = nameIds.size;
    nameIds.set(names, id);
  }
  return id;
}

using data = new PerfData({ path: process.argv[2] ?? "perf.data" });
using session = new Session(data);
const kernelMaps = session.machine.kernelMaps;
const w = session.sampleWalk();
let lastThread: Thread | undefined;
let lastComm = "";
let perComm: number[] = [];
let lastUser: readonly MapEntry[] | undefined;
let lastKernel: readonly MapEntry[] | undefined;
let memo: { kernel: readonly MapEntry[]; byChain: Int32Array } = { kernel: [], byChain: new Int32Array(0) };
while (w.next()) {
  // perf's Python engine hands tracepoint samples to per-event handlers, not process_event.
  if (w.evsel.attr.type === AttrType.TRACEPOINT) continue;
  const thread = w.thread;
  const comm = thread.comm();
  if (thread !== lastThread || comm !== lastComm) {
    lastThread = thread;
    lastComm = comm;
    let c = commIds.get(comm);
    if (c === undefined) {
      c = counts.length;
      commIds.set(comm, c);
      counts.push([]);
    }
    perComm = counts[c]!;
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
      id = nameId(
        frames
          .map((f) => f.sym?.name ?? "[unknown]")
          .reverse()
          .join(";"),
      );
      memo.byChain[chain] = id + 1;
    }
  } else {
    const ip = w.ip;
    id = nameId(
      ip === undefined ? "[unknown]" : (resolveIp({ kernel, user }, w.misc & 7, ip).sym?.name ?? "[unknown]"),
    );
  }
  perComm[id] = (perComm[id] ?? 0) + 1;
}
let unique = 0;
let total = 0;
for (const perName of counts) {
  for (const n of perName) {
    if (n === undefined) continue;
    unique++;
    total += n;
  }
}
console.log(unique, total);
