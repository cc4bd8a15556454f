/** `perf_event_open(2)` through libc's syscall(), with the attr encoded by @perfkit/format. */
import { ATTR_SIZE_CURRENT, checkArg, type EventAttr, encodeAttr } from "@perfkit/format";
import { PerfSyscallError } from "./errors.ts";
import { addressOf, rawClose, rawSyscall } from "./ffi/libc.ts";

/** perf_event_open syscall numbers by `process.arch`. */
export const PERF_EVENT_OPEN_NR: Readonly<Record<string, number>> = {
  x64: 298,
  ia32: 336,
  arm64: 241,
  riscv64: 241,
  loong64: 241,
  arm: 364,
  ppc64: 319,
  ppc: 319,
  s390x: 331,
};

/** `perf_event_open` flags. */
export const PerfFlag = { FD_NO_GROUP: 1, FD_OUTPUT: 2, PID_CGROUP: 4, FD_CLOEXEC: 8 } as const;

/** The syscall number for this machine; throws on an architecture we do not know. */
export function perfEventOpenNr(arch: string = process.arch): number {
  const nr = PERF_EVENT_OPEN_NR[arch];
  if (nr === undefined) throw new Error(`perf_event_open: unknown syscall number for architecture ${arch}`);
  return nr;
}

/** Extra context for error messages. */
export interface OpenContext {
  /** Event name used in error messages. */
  name?: string;
}

/**
 * Opens one perf event and returns its fd. `attr` is a partial `perf_event_attr` (missing
 * fields are zero); `size` is set for you. `FD_CLOEXEC` is always added so children spawned
 * later do not inherit the fd. Throws {@link PerfSyscallError} with errno, code and advice.
 */
export function perfEventOpen(
  attr: Partial<EventAttr>,
  pid: number,
  cpu: number,
  groupFd = -1,
  flags = 0,
  ctx: OpenContext = {},
): number {
  checkArg(typeof attr === "object" && attr !== null && !Array.isArray(attr), "attr", "an object", attr);
  checkArg(Number.isInteger(pid) && pid >= -1, "pid", "an integer >= -1", pid);
  checkArg(Number.isInteger(cpu) && cpu >= -1, "cpu", "an integer >= -1", cpu);
  checkArg(Number.isInteger(groupFd) && groupFd >= -1, "groupFd", "an integer >= -1", groupFd);
  checkArg(Number.isInteger(flags) && flags >= 0, "flags", "a non-negative integer", flags);
  checkArg(typeof ctx === "object" && ctx !== null, "ctx", "an object", ctx);
  const bytes = encodeAttr({ ...attr, size: ATTR_SIZE_CURRENT });
  const r = rawSyscall(perfEventOpenNr(), addressOf(bytes), pid, cpu, groupFd, flags | PerfFlag.FD_CLOEXEC);
  if (r.ret < 0) {
    throw new PerfSyscallError(r.errno, { op: "perf_event_open", event: ctx.name, attrType: attr.type ?? 0, pid, cpu });
  }
  return r.ret;
}

/** Closes an fd; closing -1 is a no-op. Throws on EBADF and other failures. */
export function closeFd(fd: number): void {
  checkArg(Number.isInteger(fd) && fd >= -1, "fd", "an integer >= -1", fd);
  if (fd === -1) return;
  const r = rawClose(fd);
  if (r.ret < 0) throw new PerfSyscallError(r.errno, { op: `close(${fd})` });
}
