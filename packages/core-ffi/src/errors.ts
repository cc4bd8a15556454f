/**
 * Errors of failed syscalls: the errno, its symbolic name, and a message that says what to do,
 * because "Permission denied" alone does not tell anyone about perf_event_paranoid.
 */
import { readFileSync } from "node:fs";
import { strerror } from "./ffi/libc.ts";

/** Linux errno numbers (asm-generic, used by x86_64, aarch64, riscv64) by name. */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  ENOSPC: 28,
  ERANGE: 34,
  ENOSYS: 38,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
} as const;
/** A known errno name. */
export type ErrnoName = keyof typeof ERRNO;

const NAMES = new Map<number, string>(Object.entries(ERRNO).map(([k, v]) => [v, k]));

/** The symbolic name of an errno value ("EACCES"), or "E<n>" when unknown. */
export function errnoName(err: number): string {
  return NAMES.get(err) ?? `E${err}`;
}

/** What was being done when a syscall failed; used to choose the advice. */
export interface SyscallContext {
  /** The operation, e.g. "perf_event_open", "mmap", "ioctl(PERF_EVENT_IOC_ENABLE)". */
  op: string;
  /** The event's name, when known. */
  event?: string;
  /** attr.type of the event, when known (0 hardware, 3 cache, 4 raw: no PMU → ENOENT). */
  attrType?: number;
  /** Target pid and cpu as passed to perf_event_open. */
  pid?: number;
  cpu?: number;
}

/** " (now 2)" with the current perf_event_paranoid value, or "" when unreadable. */
function paranoid(): string {
  try {
    return ` (now ${readFileSync("/proc/sys/kernel/perf_event_paranoid", "utf8").trim()})`;
  } catch {
    return "";
  }
}

/** Advice for a failed perf syscall, by errno and context. */
export function adviceFor(err: number, ctx: SyscallContext): string {
  const hwLike = ctx.attrType === 0 || ctx.attrType === 3 || ctx.attrType === 4;
  switch (err) {
    case ERRNO.EACCES:
    case ERRNO.EPERM:
      return (
        `access to performance monitoring is restricted: check /proc/sys/kernel/perf_event_paranoid${paranoid()} ` +
        "(for example `sysctl -w kernel.perf_event_paranoid=-1`), run as root or give the process CAP_PERFMON; " +
        "with paranoid >= 1 per-CPU (system-wide) events need the capability, with paranoid >= 2 kernel profiling does too (try the :u modifier)"
      );
    case ERRNO.ENOENT:
      return hwLike
        ? "no hardware PMU for this event on this machine (common in VMs and containers): use a software event such as cpu-clock or task-clock"
        : "the event does not exist on this kernel (check its name, the tracepoint id in tracefs or the PMU in /sys/bus/event_source/devices)";
    case ERRNO.ENODEV:
      return hwLike
        ? "no hardware PMU for this event on this machine: use a software event such as cpu-clock"
        : "the event or PMU is not available on this CPU (it may be offline)";
    case ERRNO.EOPNOTSUPP:
      return hwLike
        ? "the PMU cannot do this (for example sampling or a precise_ip level it lacks): drop the p modifiers or count instead"
        : "this event cannot be used this way (for example sampling an event that only counts)";
    case ERRNO.EINVAL:
      return "the kernel rejected the attr or arguments: check the modifiers, sample_type, period and that the cpu exists and is online";
    case ERRNO.E2BIG:
      return "the kernel does not understand this perf_event_attr size or a non-zero field past its size: the kernel is older than the attr layout";
    case ERRNO.EMFILE:
      return "too many open files: raise the limit with `ulimit -n`, or use fewer events, CPUs or threads";
    case ERRNO.ENFILE:
      return "the system-wide file table is full";
    case ERRNO.ESRCH:
      return "the target process does not exist (it may have exited already)";
    case ERRNO.EBUSY:
      return "the PMU or event is in exclusive use by another process";
    case ERRNO.ENOMEM:
      return "out of memory: use fewer ring-buffer pages, or raise /proc/sys/kernel/perf_event_mlock_kb";
    case ERRNO.EBADF:
      return "the file descriptor is not open (was the event closed already?)";
    case ERRNO.ENOSYS:
      return "perf_event_open is not available on this kernel (CONFIG_PERF_EVENTS)";
    default:
      return "";
  }
}

/** A failed syscall: carries `errno`, its name in `code`, the operation and advice. */
export class PerfSyscallError extends Error {
  override readonly name = "PerfSyscallError";
  /** The errno value. */
  readonly errno: number;
  /** Symbolic errno name ("EACCES"). */
  readonly code: string;
  /** The operation that failed. */
  readonly op: string;
  /** What to do about it (may be empty). */
  readonly advice: string;
  constructor(err: number, ctx: SyscallContext) {
    const code = errnoName(err);
    const advice = adviceFor(err, ctx);
    const where = [
      ctx.event !== undefined ? `event '${ctx.event}'` : "",
      ctx.pid !== undefined ? `pid ${ctx.pid}` : "",
      ctx.cpu !== undefined ? `cpu ${ctx.cpu}` : "",
    ]
      .filter(Boolean)
      .join(", ");
    super(`${ctx.op} failed${where ? ` for ${where}` : ""}: ${code} (${strerror(err)})${advice ? `: ${advice}` : ""}`);
    this.errno = err;
    this.code = code;
    this.op = ctx.op;
    this.advice = advice;
  }
}
