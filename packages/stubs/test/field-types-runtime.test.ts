/**
 * The generated field types are what `ev.fields` returns: for every tracepoint sample of the
 * recorded fixtures, each decoded value's runtime type equals the type the snapshot declares.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { FieldValue } from "@perfkit/format";
import { PerfData, Session } from "@perfkit/session";
import { GENERATED_DIR } from "../src/snapshot.ts";
import { fieldTsType } from "../src/tracepoint-stubs.ts";

const FIXTURES = new URL("../../../tests/fixtures/", import.meta.url).pathname;

/** The TypeScript type a runtime value has, in the generator's spelling. */
function runtimeType(v: FieldValue): string {
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "string") return typeof v;
  return v.constructor.name;
}

/** `name: type` pairs of a snapshot interface, including the common fields it extends. */
function declared(snapshot: string, iface: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of [iface, "TracepointCommonFields"]) {
    const body = new RegExp(`export interface ${name}\\b[^{]*\\{([^}]*)\\}`).exec(snapshot)![1]!;
    for (const m of body.matchAll(/readonly (\w+): (\w+);/g)) out.set(m[1]!, m[2]!);
  }
  return out;
}

// The tracepoints each fixture recorded (tests/fixtures/record.sh), as `perf script` lists them.
const RECORDED: Record<string, string[]> = {
  "tp.data": [
    "raw_syscalls:sys_enter",
    "raw_syscalls:sys_exit",
    "sched:sched_process_exec",
    "sched:sched_process_fork",
    "sched:sched_switch",
    "syscalls:sys_enter_openat",
  ],
  "pipe-tp.data": ["raw_syscalls:sys_enter", "sched:sched_switch"],
};

for (const [fixture, recorded] of Object.entries(RECORDED)) {
  test(`${fixture}: every decoded field has the type the generator and the snapshot declare`, () => {
    const snapshot = readFileSync(`${GENERATED_DIR}tracepoints.d.ts`, "utf8");
    const ifaceOf = new Map([...snapshot.matchAll(/^ {2}"([\w:]+)": (\w+);$/gm)].map((m) => [m[1]!, m[2]!] as const));
    using data = new PerfData({ path: `${FIXTURES}${fixture}` });
    using s = new Session(data);
    const checked = new Map<string, number>();
    const decls = new Map<string, Map<string, string>>();
    for (const ev of s.events()) {
      if (ev.kind !== "SAMPLE" || !ev.tracepoint) continue;
      const { format } = ev.tracepoint;
      const key = `${format.system}:${format.name}`;
      const decl = decls.get(key) ?? declared(snapshot, ifaceOf.get(key)!);
      decls.set(key, decl);
      const fields = ev.fields;
      for (const f of [...format.commonFields, ...format.fields]) {
        const rt = runtimeType(fields[f.name]!);
        expect(`${key}.${f.name}: ${rt}`).toBe(`${key}.${f.name}: ${fieldTsType(f)}`);
        expect(`${key}.${f.name}: ${rt}`).toBe(`${key}.${f.name}: ${decl.get(f.name)}`);
      }
      expect(Object.keys(fields).length).toBe(decl.size);
      checked.set(key, (checked.get(key) ?? 0) + 1);
    }
    expect([...checked.keys()].sort()).toEqual(recorded);
  }, 30000);
}
