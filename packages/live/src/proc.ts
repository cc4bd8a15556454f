/**
 * Snapshots of running processes from /proc: what perf record synthesises at start (COMM and
 * MMAP2 of processes that existed before the counters were opened).
 */
import { readdirSync, readFileSync } from "node:fs";
import { checkArg, type Mmap2Record, type SampleId } from "@perfkit/format";

/** One thread as /proc shows it. */
export interface ProcThread {
  pid: number;
  tid: number;
  comm: string;
}

/** One line of /proc/PID/maps. */
export interface ProcMap {
  pid: number;
  start: bigint;
  end: bigint;
  pgoff: bigint;
  /** PROT_READ|WRITE|EXEC bits (1, 2, 4). */
  prot: number;
  /** MAP_SHARED (1) or MAP_PRIVATE (2). */
  flags: number;
  maj: number;
  min: number;
  ino: bigint;
  filename: string;
}

/** Parses one /proc/PID/maps line; null for a line that is not a mapping. */
export function parseMapsLine(pid: number, line: string): ProcMap | null {
  checkArg(typeof line === "string", "line", "a string", line);
  const m = /^([0-9a-f]+)-([0-9a-f]+) ([-r][-w][-x][ps]) ([0-9a-f]+) ([0-9a-f]+):([0-9a-f]+) (\d+)\s*(.*)$/.exec(line);
  if (!m) return null;
  const perms = m[3]!;
  return {
    pid,
    start: BigInt(`0x${m[1]}`),
    end: BigInt(`0x${m[2]}`),
    pgoff: BigInt(`0x${m[4]}`),
    prot: (perms[0] === "r" ? 1 : 0) | (perms[1] === "w" ? 2 : 0) | (perms[2] === "x" ? 4 : 0),
    flags: perms[3] === "s" ? 1 : 2,
    maj: Number.parseInt(m[5]!, 16),
    min: Number.parseInt(m[6]!, 16),
    ino: BigInt(m[7]!),
    // perf names anonymous executable memory //anon (JIT code).
    filename: m[8] === "" ? "//anon" : m[8]!,
  };
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    // The process exited between listing and reading: it simply is not in the snapshot.
    return null;
  }
}

/** Every pid in /proc (numeric entries). */
export function listPids(): number[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** The threads of `pid` with their comm (empty when the process is gone). */
export function procThreads(pid: number): ProcThread[] {
  checkArg(Number.isInteger(pid) && pid > 0, "pid", "a positive integer", pid);
  let tids: number[];
  try {
    tids = readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
  const out: ProcThread[] = [];
  for (const tid of tids) {
    const comm = readText(`/proc/${pid}/task/${tid}/comm`);
    if (comm !== null) out.push({ pid, tid, comm: comm.replace(/\n$/, "") });
  }
  return out;
}

/**
 * The mappings of `pid`. Only executable ones by default, like perf record without `-d`:
 * samples can only land in those.
 */
export function procMaps(pid: number, options: { all?: boolean } = {}): ProcMap[] {
  checkArg(Number.isInteger(pid) && pid > 0, "pid", "a positive integer", pid);
  const text = readText(`/proc/${pid}/maps`);
  if (text === null) return [];
  const out: ProcMap[] = [];
  for (const line of text.split("\n")) {
    const m = parseMapsLine(pid, line);
    if (m && (options.all || m.prot & 4)) out.push(m);
  }
  return out;
}

/** The MMAP2 record perf synthesises for a /proc/PID/maps line (inode generation unknown: 0). */
export function procMapRecord(m: ProcMap, sampleId: SampleId = {}): Mmap2Record {
  return {
    kind: "MMAP2",
    pid: m.pid,
    tid: m.pid,
    start: m.start,
    len: m.end - m.start,
    pgoff: m.pgoff,
    maj: m.maj,
    min: m.min,
    ino: m.ino,
    inoGeneration: 0n,
    prot: m.prot,
    flags: m.flags,
    filename: m.filename,
    sampleId,
  };
}
