/**
 * The Firefox Profiler's gecko profile format (what perf's gecko.py writes, version 24):
 * `meta` with User/Kernel categories, and per thread its own string, frame and stack tables
 * and samples `[stack, time in ms, responsiveness]`. Written in chunks, never held whole.
 */
import type { TextSink } from "../profiles/_sink.ts";
import type { Track, TrackSet } from "../profiles/_threads.ts";

/** Category indices of {@link GECKO_CATEGORIES}. */
export const USER_CATEGORY = 0;
export const KERNEL_CATEGORY = 1;

/** The profile's categories: user and kernel, as perf's gecko.py names them. */
export const GECKO_CATEGORIES = [
  { name: "User", color: "yellow", subcategories: ["Other"] },
  { name: "Kernel", color: "orange", subcategories: ["Other"] },
];

/** What goes into `meta` besides the fixed fields. */
export interface GeckoMeta {
  /** `meta.product`: shown as the profile's name. */
  product: string;
  /** Sampling interval in ms. */
  interval: number;
  /** Epoch ms of time 0 (0 when unknown). */
  startTime: number;
}

/** Writes the profile of `set` to `out`. */
export function writeGeckoProfile(set: TrackSet, meta: GeckoMeta, out: TextSink): void {
  if (typeof meta !== "object" || meta === null) throw new TypeError("meta must be an object");
  const head = {
    interval: meta.interval,
    processType: 0,
    product: meta.product,
    stackwalk: 1,
    debug: 0,
    gcpoison: 0,
    asyncstack: 1,
    startTime: meta.startTime,
    shutdownTime: null,
    version: 24,
    presymbolicated: true,
    categories: GECKO_CATEGORIES,
    markerSchema: [],
  };
  out.write(`{"meta":${JSON.stringify(head)},"libs":[],"threads":[`);
  set.tracks.forEach((t, i) => {
    if (i > 0) out.write(",");
    writeThread(set, t, out);
  });
  out.write(`],"processes":[],"pausedRanges":[]}\n`);
}

function writeThread(set: TrackSet, t: Track, out: TextSink): void {
  const name = t.event === null ? t.comm : `${t.comm} [${t.event}]`;
  // This thread's own tables: frames (and their strings) in order of first use by its stacks.
  const trie = t.trie;
  const frameOfFunc = new Map<number, number>();
  const frameFuncs: number[] = [];
  const stackFrame = new Int32Array(trie.size);
  for (let n = 1; n < trie.size; n++) {
    const func = trie.name[n]!;
    let f = frameOfFunc.get(func);
    if (f === undefined) {
      f = frameFuncs.length;
      frameFuncs.push(func);
      frameOfFunc.set(func, f);
    }
    stackFrame[n] = f;
  }
  const info = {
    tid: t.tid,
    pid: t.pid,
    processType: "default",
    processName: t.comm,
    name,
    registerTime: 0,
    unregisterTime: null,
  };
  const json = JSON.stringify(info);
  out.write(json.slice(0, -1));
  out.write(',"markers":{"schema":{"name":0,"startTime":1,"endTime":2,"phase":3,"category":4,"data":5},"data":[]}');
  out.write(',"stringTable":[');
  for (let i = 0; i < frameFuncs.length; i++)
    out.write(
      i > 0 ? `,${JSON.stringify(set.funcs[frameFuncs[i]!]!.name)}` : JSON.stringify(set.funcs[frameFuncs[i]!]!.name),
    );
  out.write(
    '],"frameTable":{"schema":{"location":0,"relevantForJS":1,"innerWindowID":2,"implementation":3,"optimizations":4,"line":5,"column":6,"category":7,"subcategory":8},"data":[',
  );
  // String i is the location of frame i: one string per frame, in the same order.
  let s = "";
  for (let i = 0; i < frameFuncs.length; i++) {
    const cat = set.funcs[frameFuncs[i]!]!.kernel ? KERNEL_CATEGORY : USER_CATEGORY;
    s += `${i > 0 ? "," : ""}[${i},false,0,null,null,null,null,${cat},0]`;
    if (s.length > 65536) {
      out.write(s);
      s = "";
    }
  }
  out.write(s);
  out.write(']},"stackTable":{"schema":{"prefix":0,"frame":1},"data":[');
  // Trie node n (n ≥ 1) is stack n-1; its parent 0 (the empty stack) is a null prefix.
  for (let n = 1; n < trie.size; n++) {
    const p = trie.parent[n]!;
    out.ascii(n > 1 ? ",[" : "[");
    if (p === 0) out.ascii("null");
    else out.int(p - 1);
    out.ascii(",");
    out.int(stackFrame[n]!);
    out.ascii("]");
  }
  out.write(']},"samples":{"schema":{"stack":0,"time":1,"responsiveness":2},"data":[');
  const stacks = t.stacks.data;
  const times = t.times.data;
  for (let i = 0; i < t.stacks.length; i++) {
    const node = stacks[i]!;
    out.ascii(i > 0 ? ",[" : "[");
    if (node === 0) out.ascii("null");
    else out.int(node - 1);
    out.ascii(",");
    // Milliseconds with nanosecond digits: the number Math.round(ns) / 1e6 is.
    out.scaled(Math.round(times[i]!), 6);
    out.ascii(",0]");
  }
  out.write("]}}");
}
