/**
 * A stable sort of row indices for tables kept as columns: a bottom-up merge of the rows'
 * natural sorted stretches, O(n log stretches), so nearly sorted input (a symbol table, a
 * kallsyms file with a few unsorted modules) costs little and hostile input stays O(n log n).
 */

/** Row indices 0..n-1 ordered by `less` (row a before row b), equal rows keeping their order. */
export function stableOrder(n: number, less: (a: number, b: number) => boolean): Int32Array {
  let src = new Int32Array(n);
  for (let k = 0; k < n; k++) src[k] = k;
  let dst = new Int32Array(n);
  let bounds: number[] = [0];
  for (let k = 1; k < n; k++) if (less(k, k - 1)) bounds.push(k);
  bounds.push(n);
  while (bounds.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const a = bounds[r]!;
      const mid = bounds[r + 1]!;
      const b = r + 2 < bounds.length ? bounds[r + 2]! : mid;
      let x = a;
      let y = mid;
      let o = a;
      // Ties take the left stretch: it came first.
      while (x < mid && y < b) dst[o++] = less(src[y]!, src[x]!) ? src[y++]! : src[x++]!;
      while (x < mid) dst[o++] = src[x++]!;
      while (y < b) dst[o++] = src[y++]!;
      next.push(b);
    }
    bounds = next;
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}
