/**
 * The one place in perfkit that talks to native code: libc through bun:ffi. Everything else
 * calls these thin wrappers, so the FFI surface stays small and reviewable.
 */
import { CString, dlopen, FFIType, type Pointer, read as peek, ptr, toArrayBuffer } from "bun:ffi";

// glibc's soname; musl provides the same symbols under libc.so.
const LIBC_NAMES = ["libc.so.6", "libc.so"];

const symbols = {
  // syscall(2) is variadic; six fixed integer slots (number + 5 args) cover perf_event_open
  // and are passed in the same registers as the variadic call on x86_64 and aarch64.
  syscall: {
    args: [FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64],
    returns: FFIType.i64,
  },
  mmap: {
    args: [FFIType.u64, FFIType.u64, FFIType.i32, FFIType.i32, FFIType.i32, FFIType.i64],
    returns: FFIType.i64,
  },
  munmap: { args: [FFIType.u64, FFIType.u64], returns: FFIType.i32 },
  // ioctl(2) is variadic too: one integer-sized slot carries either an integer or a pointer.
  ioctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
  poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
  read: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
  strerror: { args: [FFIType.i32], returns: FFIType.ptr },
  getpagesize: { args: [], returns: FFIType.i32 },
} as const;

function openLibc() {
  let last: unknown;
  for (const name of LIBC_NAMES) {
    try {
      return dlopen(name, symbols);
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`cannot load libc through bun:ffi (tried ${LIBC_NAMES.join(", ")}): ${String(last)}`);
}

const libc = openLibc().symbols;

/** The errno left by the last failed libc call on this thread. Read it right after the call. */
export function errno(): number {
  const p = libc.__errno_location();
  return p === null ? 0 : peek.i32(p, 0);
}

/** libc's text for an errno value ("Permission denied"). */
export function strerror(err: number): string {
  const p = libc.strerror(err);
  return p === null ? `errno ${err}` : new CString(p).toString();
}

/** The result of a raw call: the return value and, when it failed, the errno. */
export interface RawResult {
  ret: number;
  errno: number;
}

function result(ret: number | bigint): RawResult {
  const n = Number(ret);
  return { ret: n, errno: n === -1 ? errno() : 0 };
}

/** Address of a buffer's first byte, as native code sees it. Keep `buf` referenced while in use. */
export function addressOf(buf: Uint8Array): number {
  return ptr(buf);
}

/** `syscall(nr, a1..a5)`; integers or addresses (numbers/bigints). */
export function rawSyscall(
  nr: number,
  a1: number | bigint,
  a2: number | bigint,
  a3: number | bigint,
  a4: number | bigint,
  a5: number | bigint,
): RawResult {
  return result(libc.syscall(nr, a1, a2, a3, a4, a5));
}

/** `mmap(NULL, len, prot, flags, fd, off)`; `addr` is 0 on failure. */
export function rawMmap(
  len: number,
  prot: number,
  flags: number,
  fd: number,
  offset: number,
): { addr: number; errno: number } {
  const r = libc.mmap(0, len, prot, flags, fd, offset);
  if (r === -1n || Number(r) === -1) return { addr: 0, errno: errno() };
  return { addr: Number(r), errno: 0 };
}

/** `munmap(addr, len)`. */
export function rawMunmap(addr: number, len: number): RawResult {
  return result(libc.munmap(addr, len));
}

/** `ioctl(fd, request, arg)`; `arg` is an integer or an address. */
export function rawIoctl(fd: number, request: number, arg: number | bigint): RawResult {
  return result(libc.ioctl(fd, request, arg));
}

/** `poll(fds, nfds, timeout)` over a packed `struct pollfd` array (8 bytes each). */
export function rawPoll(pollfds: Uint8Array, nfds: number, timeoutMs: number): RawResult {
  return result(libc.poll(ptr(pollfds), nfds, timeoutMs));
}

/** `read(fd, buf, len)`. */
export function rawRead(fd: number, buf: Uint8Array, len: number): RawResult {
  return result(libc.read(fd, ptr(buf), len));
}

/** `close(fd)`. */
export function rawClose(fd: number): RawResult {
  return result(libc.close(fd));
}

/** The system page size. */
export const PAGE_SIZE: number = libc.getpagesize();

/** Borrows `len` bytes of native memory at `addr` as an ArrayBuffer (never freed by JS). */
export function borrow(addr: number, len: number): ArrayBuffer {
  return toArrayBuffer(addr as Pointer, 0, len);
}

/** mmap protection and flag bits (Linux, all common architectures). */
export const PROT_READ = 1;
/** Writable mapping. */
export const PROT_WRITE = 2;
/** Shared mapping, required for perf ring buffers. */
export const MAP_SHARED = 1;
/** poll(2) event bits. */
export const POLLIN = 1;
/** Error condition on the fd. */
export const POLLERR = 8;
/** Hang-up: for perf events, the monitored task has exited. */
export const POLLHUP = 16;
