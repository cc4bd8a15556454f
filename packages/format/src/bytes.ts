/** Small helpers over DataView/Uint8Array shared by the decoders. */

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Reads a NUL-terminated string from `bytes[start, end)`; stops at the first NUL or at `end`. */
export function cString(bytes: Uint8Array, start: number, end: number): string {
  let i = start;
  while (i < end && bytes[i] !== 0) i++;
  if (i === start) return "";
  // ASCII fast path: most names are short and plain.
  if (i - start < 64) {
    let ascii = true;
    for (let j = start; j < i; j++) {
      if (bytes[j] > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes.subarray(start, i) as unknown as number[]);
  }
  return utf8.decode(bytes.subarray(start, i));
}

/** Lower-case hex of a byte range. */
export function hex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  return s;
}

/** A Uint8Array view of the same memory as a DataView range. */
export function bytesOf(view: DataView, start = 0, length = view.byteLength - start): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset + start, length);
}

/** Whether this machine stores the low byte (and the low half of a u64) first. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The bytes of `view` as 32-bit words in host byte order (a view of the same memory, not a
 * copy), or null when the view does not start on a 4-byte boundary. Hot loops index it with
 * `byteOffsetInView >>> 2` instead of a DataView call per word.
 */
export function wordsOf(view: DataView): Uint32Array | null {
  return (view.byteOffset & 3) === 0 ? new Uint32Array(view.buffer, view.byteOffset, view.byteLength >>> 2) : null;
}

/** A DataView over a Uint8Array's bytes. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Rounds `n` up to a multiple of `a` (a power of two). */
export function align(n: number, a: number): number {
  return (n + a - 1) & ~(a - 1);
}
