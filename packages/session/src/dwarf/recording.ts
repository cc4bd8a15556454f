/**
 * Walks a `--call-graph dwarf` recording in perf's order, keeping each process's maps
 * (MMAP/MMAP2/FORK), and unwinds every sample's user stack. The Session does the same
 * with full thread tracking; this walker serves the stack-quality report and the tests.
 */
import { Feature, type PerfDataFile, type Sample } from "@perfkit/format";
import { Dso } from "../dso.ts";
import { MapEntry, MapList } from "../maps.ts";
import type { DwarfBinary } from "./binary.ts";
import type { DwarfCache } from "./cache.ts";
import { lowestStarts, perfCfiBias } from "./number-maps.ts";
import type { UnwindArch } from "./registers.ts";
import { type ModuleLookup, type UnwindModule, type UnwindResult, unwindUser } from "./unwind.ts";

/** One sample with its kernel chain (from the callchain) and its unwound user frames. */
export interface UnwoundSample {
  sample: Sample;
  pid: number;
  tid: number;
  /** Kernel frames from the sample's callchain, leaf first. */
  kernel: bigint[];
  /** Unwound user frames (empty with stop "no-stack" when the sample has no user stack). */
  user: UnwindResult;
  /** The user stack size requested by the event (attr.sample_stack_user). */
  stackSizeRequested: number;
}

const PERF_CONTEXT_KERNEL = 0xffffffffffffff80n;
const PERF_CONTEXT_MAX = 0xfffffffffffff001n; // (u64)-4095: values above are context markers

/** Kernel entries of a raw callchain (between PERF_CONTEXT_KERNEL and the next marker), as perf shows them. */
export function kernelCallchain(callchain: ArrayLike<bigint> | undefined): bigint[] {
  if (callchain === undefined) return [];
  if (typeof callchain !== "object" || callchain === null || typeof callchain.length !== "number")
    throw new TypeError("callchain must be an array of bigint or undefined");
  const out: bigint[] = [];
  let inKernel = false;
  for (let i = 0; i < callchain.length; i++) {
    const ip = callchain[i]!;
    if (ip >= PERF_CONTEXT_MAX) {
      inKernel = ip === PERF_CONTEXT_KERNEL;
      continue;
    }
    if (inKernel) out.push(ip);
  }
  return out;
}

/** Options of {@link unwindRecording}. */
export interface UnwindRecordingOptions {
  /** Register set of the recording (default from the ARCH header, else x86_64). */
  arch?: UnwindArch;
  /** perf's max_stack (default 127). */
  maxFrames?: number;
}

/** The dso-relative address perf prints for a user frame (map__map_ip), or the ip itself when unmapped. */
export function frameAddress(ip: bigint, module: UnwindModule | undefined): bigint {
  return module ? ip - module.start + module.pgoff : ip;
}

/** A mapping as {@link unwindRecording} reports it, with the dso's name. */
export interface RecordingModule extends UnwindModule {
  name: string;
  buildId: string | null;
}

/**
 * Yields every SAMPLE of `file` (timestamp order) with its unwound user stack. Binaries are
 * resolved through `cache` (build ids from the BUILD_ID header and MMAP2 records).
 */
export function* unwindRecording(
  file: PerfDataFile,
  cache: DwarfCache,
  options: UnwindRecordingOptions = {},
): Generator<UnwoundSample, void, undefined> {
  if (typeof file !== "object" || file === null || typeof file.records !== "function")
    throw new TypeError("file must be a PerfDataFile");
  if (typeof cache !== "object" || cache === null || typeof cache.get !== "function")
    throw new TypeError("cache must be a DwarfCache");
  const buildIds = recordedBuildIds(file);
  const arch = options.arch ?? archOf(file);
  const maps = new Map<number, MapList>();
  const modules = new WeakMap<MapEntry, RecordingModule>();
  const mapsOf = (pid: number): MapList => {
    let m = maps.get(pid);
    if (!m) {
      m = new MapList();
      maps.set(pid, m);
    }
    return m;
  };
  const moduleOf = (e: MapEntry): RecordingModule => {
    let m = modules.get(e);
    if (!m) {
      const st = cache.get(e.dso.name, e.dso.buildId);
      m = { start: e.start, end: e.end, pgoff: e.pgoff, binary: st.binary, name: e.dso.name, buildId: e.dso.buildId };
      modules.set(e, m);
      entryOf.set(m, e);
    }
    return m;
  };
  const dsos = new Map<string, Dso>();
  // perf's CFI table bias looks at every map of the same dso in the process (perfCfiBias).
  const entryOf = new WeakMap<UnwindModule, MapEntry>();
  const lowest = new WeakMap<readonly MapEntry[], Map<Dso, bigint>>();
  for (const rec of file.records({ ordered: true })) {
    if (rec.type === 9) {
      const s = rec.sample();
      const pid = s.pid ?? -1;
      const list = maps.get(pid);
      const lookup: ModuleLookup = (addr) => {
        const e = list?.find(addr);
        return e ? moduleOf(e) : undefined;
      };
      const snapshot = list?.snapshot() ?? [];
      const cfiBias = (m: UnwindModule, binary: DwarfBinary): bigint | null => {
        let low = lowest.get(snapshot);
        if (!low) {
          low = lowestStarts(snapshot);
          lowest.set(snapshot, low);
        }
        const e = entryOf.get(m);
        return e ? perfCfiBias(low, e, binary) : null;
      };
      const regs = s.regsUser;
      const stack = s.stackUser;
      const user =
        regs && stack
          ? unwindUser({ regs, stack, arch, maxFrames: options.maxFrames, cfiBias }, lookup)
          : { frames: [], stop: "no-stack" as const };
      yield {
        sample: s,
        pid,
        tid: s.tid ?? -1,
        kernel: kernelCallchain(s.callchain),
        user,
        stackSizeRequested: s.event.attr.sampleStackUser,
      };
      continue;
    }
    if (rec.type !== 1 && rec.type !== 10 && rec.type !== 7) continue;
    const d = rec.decode();
    if (d.kind === "FORK") {
      if (d.pid !== d.ppid && !maps.has(d.pid)) {
        const parent = maps.get(d.ppid);
        if (parent) maps.set(d.pid, parent.clone());
      }
      continue;
    }
    if (d.kind !== "MMAP" && d.kind !== "MMAP2") continue;
    if (d.pid === -1) continue; // kernel maps
    const name = d.filename;
    const bid = (d.kind === "MMAP2" ? d.buildId : undefined) ?? buildIds.get(name) ?? null;
    const key = `${name}\0${bid ?? ""}`;
    let dso = dsos.get(key);
    if (!dso) {
      const anon = name.startsWith("//anon") || name.startsWith("[") || name === "";
      dso = new Dso(name, anon ? "anon" : "user");
      dso.buildId = bid;
      dsos.set(key, dso);
    }
    const identity = dso.kind === "anon";
    mapsOf(d.pid).insert(new MapEntry(d.start, d.start + d.len, identity ? d.start : d.pgoff, dso, identity));
  }
}

/** filename → build id from the BUILD_ID header feature (user-space entries). */
function recordedBuildIds(file: PerfDataFile): Map<string, string> {
  const out = new Map<string, string>();
  try {
    const v = file.features.get(Feature.BUILD_ID);
    if (v && v.feature === "BUILD_ID")
      for (const e of v.entries) out.set(e.filename, Buffer.from(e.buildId).toString("hex"));
  } catch {
    // a damaged BUILD_ID section only loses build-id checks
  }
  return out;
}

function archOf(file: PerfDataFile): UnwindArch {
  try {
    const v = file.features.get(Feature.ARCH);
    if (v && v.feature === "ARCH" && (v.value === "aarch64" || v.value === "arm64")) return "aarch64";
  } catch {
    // default below
  }
  return "x86_64";
}
