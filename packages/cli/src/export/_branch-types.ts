/** perf's branch_types table (util/db-export.c, perf 6.1): ids are PERF_IP_FLAG_* combinations. */

const BRANCH = 1;
const CALL = 2;
const RETURN = 4;
const CONDITIONAL = 8;
const SYSCALLRET = 16;
const ASYNC = 32;
const INTERRUPT = 64;
const TX_ABORT = 128;
const TRACE_BEGIN = 256;
const TRACE_END = 512;
const VMENTRY = 2048;
const VMEXIT = 4096;

const BASE: readonly [number, string][] = [
  [0, "no branch"],
  [BRANCH | CALL, "call"],
  [BRANCH | RETURN, "return"],
  [BRANCH | CONDITIONAL, "conditional jump"],
  [BRANCH, "unconditional jump"],
  [BRANCH | CALL | INTERRUPT, "software interrupt"],
  [BRANCH | RETURN | INTERRUPT, "return from interrupt"],
  [BRANCH | CALL | SYSCALLRET, "system call"],
  [BRANCH | RETURN | SYSCALLRET, "return from system call"],
  [BRANCH | ASYNC, "asynchronous branch"],
  [BRANCH | CALL | ASYNC | INTERRUPT, "hardware interrupt"],
  [BRANCH | TX_ABORT, "transaction abort"],
  [BRANCH | TRACE_BEGIN, "trace begin"],
  [BRANCH | TRACE_END, "trace end"],
  [BRANCH | CALL | VMENTRY, "vm entry"],
  [BRANCH | CALL | VMEXIT, "vm exit"],
];

/** Every (id, name) row, in db_export__branch_types order (plain types, then trace begin/end variants). */
export function branchTypeRows(): [number, string][] {
  const rows: [number, string][] = BASE.map(([t, n]) => [t, n]);
  for (const [type, name] of BASE) {
    if (type === BRANCH || type & (TRACE_BEGIN | TRACE_END)) continue;
    rows.push([type | TRACE_BEGIN, `trace begin / ${name}`]);
    rows.push([type | TRACE_END, `${name} / trace end`]);
  }
  return rows;
}
