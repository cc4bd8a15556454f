/** The `PERF_EVENT_IOC_*` ioctls on a perf event fd. */
import { checkArg } from "@perfkit/format";
import { PerfSyscallError } from "./errors.ts";
import { addressOf, rawIoctl } from "./ffi/libc.ts";

/**
 * Request numbers in the generic `_IOC` encoding (x86, arm, arm64, riscv; 64-bit pointers).
 * See perf-data-format.md §20.2.
 */
export const PERF_EVENT_IOC = {
  ENABLE: 0x2400,
  DISABLE: 0x2401,
  REFRESH: 0x2402,
  RESET: 0x2403,
  PERIOD: 0x40082404,
  SET_OUTPUT: 0x2405,
  SET_FILTER: 0x40082406,
  ID: 0x80082407,
  SET_BPF: 0x40042408,
  PAUSE_OUTPUT: 0x40042409,
  QUERY_BPF: 0xc008240a,
  MODIFY_ATTRIBUTES: 0x4008240b,
} as const;
/** Apply an enable/disable/reset to the whole group of the leader fd. */
export const PERF_IOC_FLAG_GROUP = 1;

function ioctl(fd: number, name: keyof typeof PERF_EVENT_IOC, arg: number | bigint): number {
  checkArg(Number.isInteger(fd) && fd >= 0, "fd", "a non-negative integer", fd);
  const r = rawIoctl(fd, PERF_EVENT_IOC[name], arg);
  if (r.ret < 0) throw new PerfSyscallError(r.errno, { op: `ioctl(PERF_EVENT_IOC_${name})` });
  return r.ret;
}

function flagArg(group: boolean): number {
  checkArg(typeof group === "boolean", "group", "a boolean", group);
  return group ? PERF_IOC_FLAG_GROUP : 0;
}

/** Starts counting (`group`: the whole group of this leader). */
export function iocEnable(fd: number, group = false): void {
  ioctl(fd, "ENABLE", flagArg(group));
}
/** Stops counting. */
export function iocDisable(fd: number, group = false): void {
  ioctl(fd, "DISABLE", flagArg(group));
}
/** Zeroes the count (not time_enabled/time_running). */
export function iocReset(fd: number, group = false): void {
  ioctl(fd, "RESET", flagArg(group));
}
/** Enables the event for `count` more overflows (sampling events only). */
export function iocRefresh(fd: number, count: number): void {
  checkArg(Number.isInteger(count) && count >= 0, "count", "a non-negative integer", count);
  ioctl(fd, "REFRESH", count);
}
/** Changes the sample period (or frequency when attr.freq). */
export function iocPeriod(fd: number, period: bigint | number): void {
  checkArg(
    typeof period === "bigint" || (Number.isInteger(period) && period >= 0),
    "period",
    "a non-negative integer or bigint",
    period,
  );
  const buf = new Uint8Array(8);
  new DataView(buf.buffer).setBigUint64(0, BigInt(period), true);
  ioctl(fd, "PERIOD", addressOf(buf));
}
/** Sends this event's records to `targetFd`'s ring buffer (-1 to stop redirecting). */
export function iocSetOutput(fd: number, targetFd: number): void {
  checkArg(Number.isInteger(targetFd) && targetFd >= -1, "targetFd", "an integer >= -1", targetFd);
  ioctl(fd, "SET_OUTPUT", BigInt.asUintN(64, BigInt(targetFd)));
}
/** Sets a tracepoint filter expression (ftrace syntax, e.g. `"prev_pid != 0"`). */
export function iocSetFilter(fd: number, filter: string): void {
  checkArg(typeof filter === "string", "filter", "a string", filter);
  const buf = new TextEncoder().encode(`${filter}\0`);
  ioctl(fd, "SET_FILTER", addressOf(buf));
}
/** The kernel's id of this event (as found in samples with PERF_SAMPLE_ID/IDENTIFIER). */
export function iocId(fd: number): bigint {
  const buf = new Uint8Array(8);
  ioctl(fd, "ID", addressOf(buf));
  return new DataView(buf.buffer).getBigUint64(0, true);
}
/** Pauses (true) or resumes (false) writing to the ring buffer. */
export function iocPauseOutput(fd: number, pause: boolean): void {
  checkArg(typeof pause === "boolean", "pause", "a boolean", pause);
  ioctl(fd, "PAUSE_OUTPUT", pause ? 1 : 0);
}
/** Attaches a BPF program fd to a tracepoint/kprobe event. */
export function iocSetBpf(fd: number, progFd: number): void {
  checkArg(Number.isInteger(progFd) && progFd >= 0, "progFd", "a non-negative integer", progFd);
  ioctl(fd, "SET_BPF", progFd);
}
