/** Register numbering: perf's sample register masks vs DWARF register numbers, per architecture. */

/** Architectures the unwinder knows. */
export type UnwindArch = "x86_64" | "aarch64";

/** What the unwinder needs to know about an architecture's registers. */
export interface ArchRegisters {
  readonly arch: UnwindArch;
  /** DWARF register number → perf register index (-1: not sampled). */
  readonly dwarfToPerf: readonly number[];
  /** perf register index of the instruction pointer. */
  readonly perfPc: number;
  /** perf register index of the stack pointer. */
  readonly perfSp: number;
  /** DWARF numbers of the stack pointer, frame pointer and return-address column. */
  readonly dwarfSp: number;
  readonly dwarfFp: number;
  readonly dwarfRa: number;
  /** Registers the ABI preserves across calls (default rule "same value", as libdw's ABI CFI). */
  readonly calleeSaved: readonly number[];
  /** DWARF registers tracked per frame. */
  readonly count: number;
}

/** x86_64: DWARF 0..16 = rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip; perf AX=0,BX,CX,DX,SI,DI,BP,SP,IP=8,…,R8=16. */
export const X86_64: ArchRegisters = {
  arch: "x86_64",
  dwarfToPerf: [0, 3, 2, 1, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, 8],
  perfPc: 8,
  perfSp: 7,
  dwarfSp: 7,
  dwarfFp: 6,
  dwarfRa: 16,
  calleeSaved: [3, 6, 12, 13, 14, 15],
  count: 17,
};

/** aarch64: DWARF x0..x30 = 0..30, sp = 31; perf X0..X30 = 0..30, SP = 31, PC = 32. */
export const AARCH64: ArchRegisters = {
  arch: "aarch64",
  dwarfToPerf: Array.from({ length: 32 }, (_, i) => i),
  perfPc: 32,
  perfSp: 31,
  dwarfSp: 31,
  dwarfFp: 29,
  dwarfRa: 30,
  calleeSaved: [19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30],
  count: 32,
};

/** The register description for an architecture name (`x86_64`, `aarch64`, perf's `arm64`). */
export function archRegisters(arch: string): ArchRegisters {
  if (arch === "x86_64" || arch === "amd64") return X86_64;
  if (arch === "aarch64" || arch === "arm64") return AARCH64;
  throw new TypeError(`arch must be x86_64 or aarch64, got ${JSON.stringify(arch)}`);
}

/**
 * Value of perf register `perfReg` from a sampled register set (values are stored in
 * ascending bit order of `mask`), or undefined when the mask lacks it.
 */
export function perfRegValue(mask: bigint, values: readonly bigint[], perfReg: number): bigint | undefined {
  if (perfReg < 0 || perfReg >= 64) return undefined;
  const i = registerSlots(mask)[perfReg]!;
  return i < 0 ? undefined : values[i];
}

const slotCache = new Map<bigint, Int8Array>();

/** Per perf register, its slot in the sampled values (-1 when absent); computed once per mask. */
function registerSlots(mask: bigint): Int8Array {
  let t = slotCache.get(mask);
  if (!t) {
    t = new Int8Array(64).fill(-1);
    let slot = 0;
    for (let r = 0; r < 64; r++) if ((mask >> BigInt(r)) & 1n) t[r] = slot++;
    slotCache.set(mask, t);
  }
  return t;
}
