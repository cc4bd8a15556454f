/** Event modifiers after `:` (or right after a `pmu/…/`): u k h p P G H I D S W e. */
import type { EventAttr } from "@perfkit/format";

/** The parsed modifier letters. */
export interface Modifiers {
  user: boolean;
  kernel: boolean;
  hv: boolean;
  /** Number of `p` (0-3). */
  precise: number;
  /** `P`: the highest precise level the PMU offers (treated as 3 when opening fails it drops). */
  preciseMax: boolean;
  guest: boolean;
  host: boolean;
  excludeIdle: boolean;
  pinned: boolean;
  exclusive: boolean;
  /** `S`: read the group's counts with each leader sample (PERF_SAMPLE_READ). */
  sampleRead: boolean;
  /** `W`: weak group (perf falls back to ungrouped when the group cannot be scheduled). */
  weakGroup: boolean;
}

const LETTERS = "ukhpPGHIDSWe";

/** Parses modifier letters; throws naming the bad letter and the whole event. */
export function parseModifiers(text: string, event: string): Modifiers {
  const m: Modifiers = {
    user: false,
    kernel: false,
    hv: false,
    precise: 0,
    preciseMax: false,
    guest: false,
    host: false,
    excludeIdle: false,
    pinned: false,
    exclusive: false,
    sampleRead: false,
    weakGroup: false,
  };
  for (const ch of text) {
    if (!LETTERS.includes(ch)) {
      throw new Error(`unknown modifier '${ch}' in event '${event}' (known modifiers: ${LETTERS.split("").join(" ")})`);
    }
    if (ch === "u") m.user = true;
    else if (ch === "k") m.kernel = true;
    else if (ch === "h") m.hv = true;
    else if (ch === "p") m.precise++;
    else if (ch === "P") m.preciseMax = true;
    else if (ch === "G") m.guest = true;
    else if (ch === "H") m.host = true;
    else if (ch === "I") m.excludeIdle = true;
    else if (ch === "D") m.pinned = true;
    else if (ch === "S") m.sampleRead = true;
    else if (ch === "W") m.weakGroup = true;
    else m.exclusive = true;
  }
  if (m.precise > 3) throw new Error(`too many 'p' modifiers in event '${event}' (at most ppp)`);
  return m;
}

/** Merges group modifiers into an event's own (either side's letters count). */
export function mergeModifiers(a: Modifiers, b: Modifiers): Modifiers {
  return {
    user: a.user || b.user,
    kernel: a.kernel || b.kernel,
    hv: a.hv || b.hv,
    precise: Math.max(a.precise, b.precise),
    preciseMax: a.preciseMax || b.preciseMax,
    guest: a.guest || b.guest,
    host: a.host || b.host,
    excludeIdle: a.excludeIdle || b.excludeIdle,
    pinned: a.pinned || b.pinned,
    exclusive: a.exclusive || b.exclusive,
    sampleRead: a.sampleRead || b.sampleRead,
    weakGroup: a.weakGroup || b.weakGroup,
  };
}

/**
 * The attr flags the modifiers stand for, as perf 6.x sets them: naming some of u/k/h
 * excludes the rest; exclude_guest is on by default, and with own modifiers only `u` keeps it
 * (G/H set exclude_guest/exclude_host explicitly). `own` is false for an event written
 * without modifiers (including a group member that only has the group's).
 */
export function modifierAttr(m: Modifiers, own: boolean): Partial<EventAttr> {
  const out: Partial<EventAttr> = {};
  if (m.user || m.kernel || m.hv) {
    out.excludeUser = !m.user;
    out.excludeKernel = !m.kernel;
    out.excludeHv = !m.hv;
  }
  if (m.guest || m.host) {
    out.excludeHost = !m.host;
    out.excludeGuest = !m.guest;
  } else {
    out.excludeGuest = own ? m.user : true;
  }
  if (m.excludeIdle) out.excludeIdle = true;
  if (m.pinned) out.pinned = true;
  if (m.exclusive) out.exclusive = true;
  if (m.precise > 0 || m.preciseMax) out.preciseIp = m.preciseMax ? 3 : m.precise;
  return out;
}
