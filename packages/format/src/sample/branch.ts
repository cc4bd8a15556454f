/** PERF_SAMPLE_BRANCH_STACK entries and their flags word (§9.4). */
import { bitfield } from "../attr.ts";

/** The branch type names perf prints (PERF_BR_*). */
export const BRANCH_TYPE_NAMES = [
  "UNKNOWN",
  "COND",
  "UNCOND",
  "IND",
  "CALL",
  "IND_CALL",
  "RET",
  "SYSCALL",
  "SYSRET",
  "COND_CALL",
  "COND_RET",
  "ERET",
  "IRQ",
  "SERROR",
  "NO_TX",
  "EXTEND_ABI",
] as const;

/** One branch record with its decoded flags. */
export interface BranchEntry {
  from: bigint;
  to: bigint;
  /** The raw flags word as a value (after the writer's bit order is honoured). */
  flags: bigint;
  mispred: boolean;
  predicted: boolean;
  inTx: boolean;
  abort: boolean;
  cycles: number;
  /** PERF_BR_* number. */
  type: number;
  spec: number;
  newType: number;
  priv: number;
}

/** A decoded branch stack. */
export interface BranchStack {
  /** hw_idx when the attr asked for PERF_SAMPLE_BRANCH_HW_INDEX, else undefined. */
  hwIdx?: bigint;
  entries: BranchEntry[];
  /** Per-branch counters (PERF_SAMPLE_BRANCH_COUNTERS groups), when present. */
  counters?: bigint[];
}

/** Decodes one 24-byte branch entry at `pos`. */
export function decodeBranchEntry(view: DataView, pos: number, le: boolean): BranchEntry {
  const flags = view.getBigUint64(pos + 16, le);
  const f = (p: number, w: number) => bitfield(flags, p, w, le);
  return {
    from: view.getBigUint64(pos, le),
    to: view.getBigUint64(pos + 8, le),
    flags,
    mispred: f(0, 1) === 1,
    predicted: f(1, 1) === 1,
    inTx: f(2, 1) === 1,
    abort: f(3, 1) === 1,
    cycles: f(4, 16),
    type: f(20, 4),
    spec: f(24, 2),
    newType: f(26, 4),
    priv: f(30, 3),
  };
}
