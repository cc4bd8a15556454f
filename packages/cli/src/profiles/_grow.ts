/** Growable typed columns: one contiguous array per column instead of an object per row. */

/** An Int32Array that grows by doubling. */
export class IntColumn {
  data = new Int32Array(256);
  length = 0;

  /** Appends `v`. */
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** A Float64Array that grows by doubling. */
export class FloatColumn {
  data = new Float64Array(256);
  length = 0;

  /** Appends `v`. */
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}
