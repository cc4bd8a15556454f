/**
 * perf's event syntax: "cpu-clock,page-faults:u,sched:sched_switch,{task-clock,faults}:k,
 * r1a8,msr/tsc/,cpu/event=0x3c,umask=0/" → one {@link EventSpec} per event.
 */
import { AttrType, checkArg, type EventAttr, SampleType } from "@perfkit/format";
import { type Modifiers, mergeModifiers, modifierAttr, parseModifiers } from "./modifiers.ts";
import { symbolicEvent } from "./names.ts";
import { type ConfigWord, placeFormat, pmuEventAlias, pmuFormats, pmuType } from "./pmu.ts";
import { resolveTracepoints, type Tracepoint } from "./tracefs.ts";

/** What family an event belongs to. */
export type EventKind = "software" | "hardware" | "hw_cache" | "tracepoint" | "raw" | "pmu";

/** One parsed event: its name as perf prints it and the attr to open it with. */
export interface EventSpec {
  /** The event as written (with modifiers), or the `name=` term of a PMU event. */
  name: string;
  kind: EventKind;
  /** The attr: type, config(s) and modifier flags; sampling/read settings are added by EvList.config. */
  attr: Partial<EventAttr>;
  /** Index of this event's group leader in the returned list (its own index when not grouped). */
  leader: number;
  /** Number of events in this event's group (1 when not grouped). */
  groupSize: number;
  modifiers: Modifiers;
  /** Set for tracepoints. */
  tracepoint?: Tracepoint;
  /** PMU name for `pmu/…/` events. */
  pmu?: string;
}

/** Splits at top-level commas: not inside `{…}` groups or `pmu/…/` term lists. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inTerms = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "/") inTerms = !inTerms;
    else if (!inTerms && ch === "{") depth++;
    else if (!inTerms && ch === "}") {
      depth--;
      if (depth < 0) throw new Error(`unbalanced '}' at position ${i} in event list '${text}'`);
    } else if (ch === "," && depth === 0 && !inTerms) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new Error(`unbalanced '{' in event list '${text}'`);
  if (inTerms) throw new Error(`unterminated 'pmu/…/' term list in event list '${text}'`);
  out.push(text.slice(start));
  return out.map((s) => s.trim());
}

function parseNumber(v: string, what: string): bigint {
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(v)) throw new Error(`bad number '${v}' for ${what}`);
  return BigInt(v);
}

interface Single {
  kind: EventKind;
  attr: Partial<EventAttr>;
  name: string;
  modifiers: Modifiers;
  /** True when the event itself carries modifier letters. */
  own: boolean;
  tracepoint?: Tracepoint;
  pmu?: string;
}

/** `pmu/term,term=value,…/mods`. */
function parsePmuEvent(text: string): Single {
  const m = /^([A-Za-z0-9_.-]+)\/([^/]*)\/(?::?([A-Za-z]*))$/.exec(text);
  if (!m) throw new Error(`bad PMU event syntax '${text}' (expected pmu/term=value,…/ with optional modifiers)`);
  const pmu = m[1]!;
  const type = pmuType(pmu);
  const formats = pmuFormats(pmu);
  const attr: Partial<EventAttr> = { type, config: 0n, config1: 0n, config2: 0n, config3: 0n };
  let name = text;
  const apply = (terms: string, depth: number): void => {
    for (const term of terms.split(",").map((t) => t.trim())) {
      if (term === "") continue;
      const eq = term.indexOf("=");
      const key = eq < 0 ? term : term.slice(0, eq);
      const val = eq < 0 ? "" : term.slice(eq + 1);
      if (key === "name") {
        name = val;
        continue;
      }
      if (key === "config" || key === "config1" || key === "config2" || key === "config3") {
        attr[key as ConfigWord] = parseNumber(val, `${key} in '${text}'`);
        continue;
      }
      if (key === "period" || key === "freq") {
        attr.samplePeriod = parseNumber(val, `${key} in '${text}'`);
        attr.freq = key === "freq";
        continue;
      }
      const field = formats.get(key);
      if (field) {
        const v = eq < 0 ? 1n : parseNumber(val, `${key} in '${text}'`);
        attr[field.word] = placeFormat(field, v, attr[field.word] ?? 0n);
        continue;
      }
      const alias = eq < 0 && depth === 0 ? pmuEventAlias(pmu, key) : null;
      if (alias !== null) {
        if (name === text) name = `${pmu}/${key}/`;
        apply(alias, depth + 1);
        continue;
      }
      const known = [...formats.keys()].join(", ") || "none";
      throw new Error(`unknown term '${key}' for PMU '${pmu}' in event '${text}' (format terms: ${known})`);
    }
  };
  apply(m[2]!, 0);
  return { kind: "pmu", attr, name, modifiers: parseModifiers(m[3] ?? "", text), own: Boolean(m[3]), pmu };
}

/** One event without group braces. May expand to several (tracepoint globs). */
function parseSingle(text: string): Single[] {
  if (text === "") throw new Error("empty event name in event list");
  if (text.includes("/")) return [parsePmuEvent(text)];
  const parts = text.split(":");
  const head = parts[0]!;
  // A symbolic or raw event takes at most one ":mods"; anything else with ":" is a tracepoint.
  const sym = symbolicEvent(head);
  const raw = /^r([0-9a-fA-F]+)$/.exec(head);
  if (sym || raw) {
    if (parts.length > 2) throw new Error(`bad event '${text}': more than one ':' after '${head}'`);
    const modifiers = parseModifiers(parts[1] ?? "", text);
    const own = Boolean(parts[1]);
    if (raw) {
      return [{ kind: "raw", attr: { type: AttrType.RAW, config: BigInt(`0x${raw[1]}`) }, name: text, modifiers, own }];
    }
    const kind: EventKind =
      sym!.type === AttrType.SOFTWARE ? "software" : sym!.type === AttrType.HARDWARE ? "hardware" : "hw_cache";
    return [{ kind, attr: { type: sym!.type, config: sym!.config }, name: text, modifiers, own }];
  }
  if (parts.length === 1) {
    throw new Error(`unknown event '${text}' (not a software, hardware or cache event name; see \`perf list\`)`);
  }
  if (parts.length > 3 || !/^[\w*?.-]+$/.test(parts[0]!) || !/^[\w*?.-]+$/.test(parts[1]!)) {
    throw new Error(`bad tracepoint syntax '${text}' (expected system:event[:modifiers])`);
  }
  const modifiers = parseModifiers(parts[2] ?? "", text);
  return resolveTracepoints(parts[0]!, parts[1]!).map((tp) => ({
    kind: "tracepoint" as const,
    // perf samples every hit of a tracepoint and records its raw payload.
    attr: {
      type: AttrType.TRACEPOINT,
      config: BigInt(tp.id),
      samplePeriod: 1n,
      sampleType: SampleType.RAW | SampleType.TIME | SampleType.CPU,
    },
    name: `${tp.system}:${tp.event}${parts[2] ? `:${parts[2]}` : ""}`,
    modifiers,
    own: Boolean(parts[2]),
    tracepoint: tp,
  }));
}

/**
 * Parses a perf event list (the `-e` syntax) into event specs. Throws a TypeError for a
 * non-string and an Error naming the offending event for unknown or malformed ones.
 */
export function parseEventSpecs(events: string): EventSpec[] {
  checkArg(typeof events === "string", "events", "a string", events);
  if (events.trim() === "") throw new Error("empty event list");
  const out: EventSpec[] = [];
  for (const item of splitTopLevel(events)) {
    const g = /^\{(.*)\}(?::([A-Za-z]*))?$/s.exec(item);
    const members = g ? splitTopLevel(g[1]!) : [item];
    if (g && members.some((m) => m.startsWith("{"))) throw new Error(`nested groups are not supported: '${item}'`);
    const groupMods = parseModifiers(g?.[2] ?? "", item);
    const singles = members.flatMap(parseSingle);
    const leader = out.length;
    for (const s of singles) {
      const modifiers = mergeModifiers(s.modifiers, groupMods);
      out.push({
        name: s.name,
        kind: s.kind,
        attr: { ...s.attr, ...modifierAttr(modifiers, s.own) },
        leader: g ? leader : out.length,
        groupSize: g ? singles.length : 1,
        modifiers,
        ...(s.tracepoint ? { tracepoint: s.tracepoint } : {}),
        ...(s.pmu ? { pmu: s.pmu } : {}),
      });
    }
  }
  return out;
}
