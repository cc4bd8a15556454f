/**
 * The perf ring buffer: a shared mapping of one control page (`perf_event_mmap_page`) and
 * 2^n data pages the kernel writes records into. Reading follows perf-data-format.md §20.3:
 * load data_head (acquire), copy whole records out, then store data_tail (release).
 */
import { checkArg } from "@perfkit/format";
import { PerfSyscallError } from "./errors.ts";
import { borrow, MAP_SHARED, PAGE_SIZE, PROT_READ, PROT_WRITE, rawMmap, rawMunmap } from "./ffi/libc.ts";

const HEAD_INDEX = 1024 / 8;
const TAIL_INDEX = 1032 / 8;
const DATA_OFFSET_INDEX = 1040 / 8;
const DATA_SIZE_INDEX = 1048 / 8;
const AUX_HEAD_INDEX = 1056 / 8;
const AUX_TAIL_INDEX = 1064 / 8;
const AUX_OFFSET_INDEX = 1072 / 8;
const AUX_SIZE_INDEX = 1080 / 8;

/** Where a buffer belongs, for error messages and for callers that keep several. */
export interface RingLabel {
  /** CPU of the buffer, or -1 for a per-thread buffer. */
  cpu?: number;
  /** Thread of the buffer, or -1 for a per-CPU buffer. */
  tid?: number;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function labelText(l: RingLabel): string {
  const parts = [
    l.cpu !== undefined && l.cpu >= 0 ? `cpu ${l.cpu}` : "",
    l.tid !== undefined && l.tid >= 0 ? `tid ${l.tid}` : "",
  ];
  return parts.filter(Boolean).join(", ") || "per-thread buffer";
}

/**
 * One mapped ring buffer. Create with {@link RingBuffer.map}. `read()` returns the next whole
 * record (header included) or null when the buffer is empty. Returned bytes are views that
 * stay valid until the next `read()`, `readBatch()` or `close()`: `.slice()` them to keep them.
 */
export class RingBuffer implements Disposable {
  /** The event fd the buffer belongs to. */
  readonly fd: number;
  /** CPU of the buffer (-1 for per-thread). */
  readonly cpu: number;
  /** Thread of the buffer (-1 for per-CPU). */
  readonly tid: number;
  /** Size of the data area in bytes (2^n pages). */
  readonly dataSize: number;
  #addr: number;
  readonly #len: number;
  readonly #ctl: BigUint64Array;
  readonly #data: Uint8Array;
  readonly #mask: bigint;
  #tail: bigint;
  /** Tail position not yet published to the kernel (records handed out but maybe still in use). */
  #pendingTail: bigint;
  #scratch = new Uint8Array(0);
  #aux: AuxArea | null = null;

  private constructor(fd: number, addr: number, pages: number, label: RingLabel) {
    this.fd = fd;
    this.cpu = label.cpu ?? -1;
    this.tid = label.tid ?? -1;
    this.#addr = addr;
    this.#len = (pages + 1) * PAGE_SIZE;
    const buf = borrow(addr, this.#len);
    this.#ctl = new BigUint64Array(buf, 0, PAGE_SIZE / 8);
    // Kernels since 4.1 fill data_offset/data_size; older ones leave 0 and use one page / the rest.
    const off = Number(this.#ctl[DATA_OFFSET_INDEX]) || PAGE_SIZE;
    this.dataSize = Number(this.#ctl[DATA_SIZE_INDEX]) || pages * PAGE_SIZE;
    this.#data = new Uint8Array(buf, off, this.dataSize);
    this.#mask = BigInt(this.dataSize - 1);
    this.#tail = Atomics.load(this.#ctl, TAIL_INDEX);
    this.#pendingTail = this.#tail;
  }

  /**
   * Maps `pages` (a power of two) data pages plus the control page of a perf event fd.
   * Throws {@link PerfSyscallError} (e.g. EPERM/ENOMEM when over perf_event_mlock_kb).
   */
  static map(fd: number, pages: number, label: RingLabel = {}): RingBuffer {
    checkArg(Number.isInteger(fd) && fd >= 0, "fd", "a non-negative integer", fd);
    checkArg(isPowerOfTwo(pages), "pages", "a power of two", pages);
    checkArg(typeof label === "object" && label !== null, "label", "an object", label);
    const len = (pages + 1) * PAGE_SIZE;
    const m = rawMmap(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m.addr === 0) throw new PerfSyscallError(m.errno, { op: `mmap of ${pages} pages (${labelText(label)})` });
    return new RingBuffer(fd, m.addr, pages, label);
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#addr === 0;
  }

  #check(): void {
    if (this.#addr === 0) throw new Error(`ring buffer (${labelText(this)}) is closed`);
  }

  /** Bytes written by the kernel and not yet consumed. */
  available(): number {
    this.#check();
    return Number(Atomics.load(this.#ctl, HEAD_INDEX) - this.#tail);
  }

  /** Publishes the consumed position to the kernel so it may reuse the space. */
  #publish(): void {
    if (this.#pendingTail !== this.#tail) {
      this.#pendingTail = this.#tail;
      Atomics.store(this.#ctl, TAIL_INDEX, this.#tail);
    }
  }

  /** Copies `len` bytes at free-running position `pos` into `dst` at `at`, handling wrap-around. */
  #copy(pos: bigint, len: number, dst: Uint8Array, at: number): void {
    const start = Number(pos & this.#mask);
    const first = Math.min(len, this.dataSize - start);
    dst.set(this.#data.subarray(start, start + first), at);
    if (first < len) dst.set(this.#data.subarray(0, len - first), at + first);
  }

  #scratchOf(len: number): Uint8Array {
    if (this.#scratch.length < len) this.#scratch = new Uint8Array(Math.max(len, this.#scratch.length * 2, 256));
    return this.#scratch;
  }

  /** Reads the header (type u32, misc u16, size u16) at `pos`; 8-byte alignment keeps it contiguous. */
  #sizeAt(pos: bigint): number {
    const i = Number(pos & this.#mask);
    return this.#data[i + 6]! | (this.#data[i + 7]! << 8);
  }

  #bad(size: number, pos: bigint): never {
    throw new Error(
      `corrupt ring buffer (${labelText(this)}): record size ${size} at position ${pos} (data_size ${this.dataSize})`,
    );
  }

  /**
   * The next whole record (header included) or null when none is complete. The view is valid
   * until the next call; the space of the previous record is returned to the kernel here.
   */
  read(): Uint8Array | null {
    this.#check();
    this.#publish();
    const head = Atomics.load(this.#ctl, HEAD_INDEX);
    if (head - this.#tail < 8n) return null;
    const size = this.#sizeAt(this.#tail);
    if (size < 8 || size % 8 !== 0 || size > this.dataSize) this.#bad(size, this.#tail);
    if (head - this.#tail < BigInt(size)) return null;
    const start = Number(this.#tail & this.#mask);
    let out: Uint8Array;
    if (start + size <= this.dataSize) {
      out = this.#data.subarray(start, start + size);
    } else {
      const s = this.#scratchOf(size);
      this.#copy(this.#tail, size, s, 0);
      out = s.subarray(0, size);
    }
    this.#tail += BigInt(size);
    return out;
  }

  /**
   * Up to `max` whole records copied out in one go (one copy into a scratch buffer), the
   * space returned to the kernel at once. The views are valid until the next call.
   */
  readBatch(max = 1000): Uint8Array[] {
    checkArg(Number.isInteger(max) && max > 0, "max", "a positive integer", max);
    this.#check();
    this.#publish();
    const head = Atomics.load(this.#ctl, HEAD_INDEX);
    // First walk the headers to find how many bytes `max` records take.
    const sizes: number[] = [];
    let pos = this.#tail;
    while (sizes.length < max && head - pos >= 8n) {
      const size = this.#sizeAt(pos);
      if (size < 8 || size % 8 !== 0 || size > this.dataSize) this.#bad(size, pos);
      if (head - pos < BigInt(size)) break;
      sizes.push(size);
      pos += BigInt(size);
    }
    const total = Number(pos - this.#tail);
    if (total === 0) return [];
    const s = this.#scratchOf(total);
    this.#copy(this.#tail, total, s, 0);
    this.#tail = pos;
    this.#publish();
    const out: Uint8Array[] = [];
    let at = 0;
    for (const size of sizes) {
      out.push(s.subarray(at, at + size));
      at += size;
    }
    return out;
  }

  /** Drops everything currently in the buffer. */
  discard(): void {
    this.#check();
    this.#tail = Atomics.load(this.#ctl, HEAD_INDEX);
    this.#publish();
  }

  /** The control page as 64-bit words (read-only use: time_* fields, capabilities). */
  get controlPage(): BigUint64Array {
    this.#check();
    return this.#ctl;
  }

  /**
   * Maps the AUX area (`pages`, a power of two) behind the data area, for PMUs that write
   * trace data there (Intel PT, ARM SPE/CoreSight). Events without AUX support fail with a
   * PerfSyscallError (EINVAL/EOPNOTSUPP) and nothing stays mapped.
   */
  mapAux(pages: number): AuxArea {
    this.#check();
    checkArg(isPowerOfTwo(pages), "pages", "a power of two", pages);
    if (this.#aux !== null) throw new Error(`AUX area already mapped (${labelText(this)})`);
    const offset = Number(this.#ctl[DATA_OFFSET_INDEX]) + this.dataSize;
    const size = pages * PAGE_SIZE;
    this.#ctl[AUX_OFFSET_INDEX] = BigInt(offset);
    this.#ctl[AUX_SIZE_INDEX] = BigInt(size);
    const m = rawMmap(size, PROT_READ | PROT_WRITE, MAP_SHARED, this.fd, offset);
    if (m.addr === 0) throw new PerfSyscallError(m.errno, { op: `mmap of the AUX area (${labelText(this)})` });
    this.#aux = new AuxArea(this.#ctl, m.addr, size);
    return this.#aux;
  }

  /** Unmaps the buffer (and its AUX area). Safe to call twice. */
  close(): void {
    if (this.#addr === 0) return;
    this.#aux?.close();
    this.#aux = null;
    const addr = this.#addr;
    this.#addr = 0;
    const r = rawMunmap(addr, this.#len);
    if (r.ret < 0) throw new PerfSyscallError(r.errno, { op: "munmap of a ring buffer" });
  }

  /** Same as close(), for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** The AUX area of a ring buffer: raw PMU trace bytes between aux_tail and aux_head. */
export class AuxArea implements Disposable {
  readonly size: number;
  #addr: number;
  readonly #ctl: BigUint64Array;
  readonly #data: Uint8Array;
  #scratch: Uint8Array;

  /** @internal Created by {@link RingBuffer.mapAux}. */
  constructor(ctl: BigUint64Array, addr: number, size: number) {
    this.#ctl = ctl;
    this.#addr = addr;
    this.size = size;
    this.#data = new Uint8Array(borrow(addr, size));
    this.#scratch = new Uint8Array(size);
  }

  /** All bytes written since the last read (copied; wrap-around joined), then released to the kernel. */
  read(): Uint8Array {
    if (this.#addr === 0) throw new Error("AUX area is closed");
    const head = Atomics.load(this.#ctl, AUX_HEAD_INDEX);
    const tail = Atomics.load(this.#ctl, AUX_TAIL_INDEX);
    const len = Math.min(Number(head - tail), this.size);
    const start = Number(tail % BigInt(this.size));
    const first = Math.min(len, this.size - start);
    this.#scratch.set(this.#data.subarray(start, start + first), 0);
    if (first < len) this.#scratch.set(this.#data.subarray(0, len - first), first);
    Atomics.store(this.#ctl, AUX_TAIL_INDEX, head);
    return this.#scratch.slice(0, len);
  }

  /** Unmaps the AUX area. Safe to call twice. */
  close(): void {
    if (this.#addr === 0) return;
    const addr = this.#addr;
    this.#addr = 0;
    rawMunmap(addr, this.size);
  }

  /** Same as close(). */
  [Symbol.dispose](): void {
    this.close();
  }
}
