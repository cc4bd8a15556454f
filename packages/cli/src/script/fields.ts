/**
 * perf script's output fields: the per-event-type defaults, `-F` parsing (with perf's
 * warnings and errors), and the check of each event against its sample_type.
 */
import { AttrType, type EventAttr, SampleType } from "@perfkit/format";

/** Output field bits (perf's PERF_OUTPUT_*), only those perfkit script prints. */
export const Field = {
  COMM: 1,
  TID: 2,
  PID: 4,
  TIME: 8,
  CPU: 16,
  EVNAME: 32,
  TRACE: 64,
  IP: 128,
  SYM: 256,
  DSO: 512,
  ADDR: 1024,
  SYMOFFSET: 2048,
  PERIOD: 4096,
  SRCLINE: 8192,
} as const;

const NAMES: [string, number][] = [
  ["comm", Field.COMM],
  ["tid", Field.TID],
  ["pid", Field.PID],
  ["time", Field.TIME],
  ["cpu", Field.CPU],
  ["event", Field.EVNAME],
  ["trace", Field.TRACE],
  ["ip", Field.IP],
  ["sym", Field.SYM],
  ["dso", Field.DSO],
  ["addr", Field.ADDR],
  ["symoff", Field.SYMOFFSET],
  ["period", Field.PERIOD],
  ["srcline", Field.SRCLINE],
];

/** perf's output types: attr types 0..5, then "other". */
const TYPE_NAMES = ["hardware", "software", "tracepoint", "hardware-cache", "raw", "breakpoint"];
const TYPE_PREFIX: Record<string, number> = { hw: 0, sw: 1, trace: 2, raw: 4, break: 5 };
const N_TYPES = 7;

/** Fields of one output type. */
export interface OutputType {
  fields: number;
  userSet: boolean;
  invalid: number;
  /** Fields the user named (perf's user_set_fields): missing in the samples, they are an error. */
  userFields: number;
}

const HW_DEFAULT =
  Field.COMM |
  Field.TID |
  Field.CPU |
  Field.TIME |
  Field.EVNAME |
  Field.IP |
  Field.SYM |
  Field.SYMOFFSET |
  Field.DSO |
  Field.PERIOD;

/** The default output table (perf 6.1's `output[]`). */
export function defaultOutputs(): OutputType[] {
  const t: OutputType[] = [];
  for (let i = 0; i < N_TYPES; i++) t.push({ fields: HW_DEFAULT, userSet: false, invalid: Field.TRACE, userFields: 0 });
  t[AttrType.TRACEPOINT] = {
    fields: Field.COMM | Field.TID | Field.CPU | Field.TIME | Field.EVNAME | Field.TRACE,
    userSet: false,
    invalid: 0,
    userFields: 0,
  };
  t[AttrType.RAW]!.fields |= Field.ADDR;
  t[6] = { fields: 0, userSet: false, invalid: Field.TRACE, userFields: 0 };
  return t;
}

/** perf's output_type(attr.type). */
export function outputType(attrType: number): number {
  return Math.min(attrType, 6);
}

/** A command-line problem perf reports before reading samples. */
export class FieldError extends Error {}

/** Applies `-F` to the table; returns perf's warnings (for stderr). Throws FieldError on unknown fields. */
export function parseFieldsOption(spec: string, out: OutputType[]): string[] {
  const warnings: string[] = [];
  let list = spec;
  let only: number | undefined;
  const colon = spec.indexOf(":");
  if (colon >= 0) {
    const t = TYPE_PREFIX[spec.slice(0, colon)];
    if (t === undefined) throw new FieldError(`Invalid event type in field string.`);
    only = t;
    list = spec.slice(colon + 1);
  }
  const bits: number[] = [];
  const removes: boolean[] = [];
  // perf's `+field` / `-field` (untyped only here): change the defaults instead of replacing them.
  const edit = only === undefined && /[+-]/.test(list);
  let mode: "" | "set" | "edit" = "";
  for (const tok of list.split(",")) {
    let name = tok.trim();
    if (name === "") continue;
    const sign = edit && (name[0] === "+" || name[0] === "-") ? name[0] : "";
    if (sign) name = name.slice(1);
    if (mode !== "" && (mode === "set") !== (sign === ""))
      throw new FieldError("Cannot mix +-field with overridden fields");
    mode = sign ? "edit" : "set";
    removes.push(sign === "-");
    const f = NAMES.find(([n]) => n === name);
    if (!f)
      throw new FieldError(
        `Invalid field requested: ${name} (perfkit script supports ${NAMES.map(([n]) => n).join(",")})`,
      );
    bits.push(f[1]);
  }
  const targets = only === undefined ? [...Array(N_TYPES).keys()] : [only];
  for (const j of targets) {
    if (!edit) out[j]!.fields = 0;
    out[j]!.userSet = true;
  }
  bits.forEach((b, i) => {
    for (const j of targets) {
      const o = out[j]!;
      if (only === undefined && o.invalid & b) {
        if (j < 6)
          warnings.push(`'${NAMES.find(([, v]) => v === b)![0]}' not valid for ${TYPE_NAMES[j]} events. Ignoring.`);
        continue;
      }
      if (removes[i]) {
        o.fields &= ~b;
        o.userFields &= ~b;
      } else {
        o.fields |= b;
        o.userFields |= b;
      }
    }
  });
  return warnings;
}

// PERIOD is not checked: perf 6.1 prints attr.sample_period when samples carry no period.
const STYPE: [number, number, string][] = [
  [Field.IP, SampleType.IP, "IP"],
  [Field.ADDR, SampleType.ADDR, "ADDR"],
  [Field.TIME, SampleType.TIME, "TIME"],
  [Field.CPU, SampleType.CPU, "CPU"],
  [Field.TID, SampleType.TID, "TID"],
  [Field.PID, SampleType.TID, "PID"],
];

/** perf's evsel__check_attr: drops default fields the event cannot fill, errors for user-set ones. */
export function checkEvent(name: string, attr: EventAttr, out: OutputType[]): void {
  const o = out[outputType(attr.type)]!;
  for (const [field, stype, msg] of STYPE) {
    if (!(o.fields & field) || attr.sampleType & stype) continue;
    if (o.userFields & field) {
      const fname = NAMES.find(([, v]) => v === field)![0];
      throw new FieldError(
        `Samples for '${name}' event do not have ${msg} attribute set. Cannot print '${fname}' field.`,
      );
    }
    o.fields &= ~field;
  }
  if (o.fields & (Field.SYM | Field.DSO) && !(o.fields & (Field.IP | Field.ADDR)) && o.userSet) {
    if (!(attr.sampleType & SampleType.IP))
      throw new FieldError(
        "Display of symbols requested but neither sample IP nor sample address\navailable. Hence, no addresses to convert to symbols.",
      );
  }
  if (o.fields & Field.SYMOFFSET && !(o.fields & Field.SYM))
    throw new FieldError("Display of offsets requested but symbol is notselected.");
}
