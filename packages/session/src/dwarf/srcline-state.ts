/**
 * perf 6.1's per-dso addr2line give-up rule (util/srcline.c `__get_srcline`): a new dso starts
 * with `a2l_fails = 1`; a lookup that succeeds sets it to 0, which stops the counting for good;
 * each failed lookup while it is non-zero increments it, and past A2L_FAIL_LIMIT (123) the dso's
 * `has_srcline` is cleared, so every later lookup fails without asking addr2line. What perf prints
 * for an address therefore depends on the lookups made before it in the same dso, in print order.
 */

/** perf's A2L_FAIL_LIMIT. */
export const A2L_FAIL_LIMIT = 123;

interface DsoA2l {
  /** perf's dso->a2l_fails: 0 once a lookup succeeded (never counted again). */
  fails: number;
  /** perf's dso->has_srcline. */
  enabled: boolean;
}

/** The addr2line state of every dso of one session, keyed by the dso's long name. */
export class SrclineState {
  readonly #byDso = new Map<string, DsoA2l>();
  /** True when the last {@link record} changed state a later identical lookup would see differently. */
  volatile = false;

  /** Whether perf would still ask addr2line about `dso` (its has_srcline). */
  enabled(dso: string): boolean {
    if (typeof dso !== "string") throw new TypeError("dso must be a string");
    const s = this.#byDso.get(dso);
    return s === undefined || s.enabled;
  }

  /**
   * Records the outcome of one `get_srcline` call on `dso` (`ok`: addr2line found the address)
   * and returns whether it counts as a success (false once the dso was given up on). Sets
   * {@link volatile} when a repeat of the call could print differently or must be counted again,
   * so callers caching printed text skip that entry.
   */
  record(dso: string, ok: boolean): boolean {
    if (typeof dso !== "string") throw new TypeError("dso must be a string");
    let s = this.#byDso.get(dso);
    if (s === undefined) {
      s = { fails: 1, enabled: true };
      this.#byDso.set(dso, s);
    }
    if (!s.enabled) {
      this.volatile = false;
      return false;
    }
    if (ok) {
      s.fails = 0;
      this.volatile = false;
      return true;
    }
    // A failure while counting: the next one counts too, so its text must not be cached.
    this.volatile = s.fails !== 0;
    if (s.fails !== 0 && ++s.fails > A2L_FAIL_LIMIT) s.enabled = false;
    return false;
  }
}
