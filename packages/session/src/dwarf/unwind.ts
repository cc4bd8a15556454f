/**
 * DWARF unwinding of a sampled user stack (PERF_SAMPLE_REGS_USER + PERF_SAMPLE_STACK_USER),
 * following libunwind as perf 6.1's unwind-libunwind-local.c drives it (perf prefers
 * libunwind over libdw when built with both): CFI from `.eh_frame` then `.debug_frame`, the
 * ABI's default rules, callers reported at pc-1, at most `maxFrames` frames, and perf's quirks:
 * - the `.eh_frame_hdr` table is biased by the lowest start of ALL the thread's maps of the
 *   dso ({@link UnwindInput.cfiBias}); stale maps a child kept through fork+exec shift it;
 * - the saved stack's last word is not served from the dump; an address outside the dump
 *   reads as 0 when it lies in a map whose file cannot be read, and fails only without a map;
 * - no FDE (x86_64): libunwind's classic-PLT check, else its frame-chain guess (%rbp within
 *   [cfa, cfa + 0x4000], CFA moved by 16 from where it was); no map or no binary: stop;
 * - a return address of 0 is one more frame (printed as 0 - 1), after which the walk stops;
 *   an explicitly undefined %rbp ends the chain;
 * - after a signal frame (CIE augmentation "S", glibc's `__restore_rt`) the interrupted frame
 *   is reported and looked up at its pc, not pc - 1 (libunwind's use_prev_instr and
 *   sigcontext_format, which perf's `unw_is_signal_frame` test reads); a frame-chain step
 *   looks its caller up at pc - 1 again, a PLT step keeps the previous choice.
 */
import type { SampleRegs, SampleStack } from "@perfkit/format";
import type { DwarfBinary } from "./binary.ts";
import { evalExpression } from "./expression.ts";
import { rowFor } from "./frame-rules.ts";
import { type ArchRegisters, archRegisters, perfRegValue, type UnwindArch } from "./registers.ts";

/** A mapping of the sampled thread as the unwinder sees it. */
export interface UnwindModule {
  start: bigint;
  /** Exclusive end. */
  end: bigint;
  pgoff: bigint;
  /** The mapped file's unwind data, or null when it cannot be read (anon, deleted, missing). */
  binary: DwarfBinary | null;
}

/** Finds the mapping that holds an absolute address. */
export type ModuleLookup = (addr: bigint) => UnwindModule | undefined;

/** What {@link unwindUser} needs from a sample. */
export interface UnwindInput {
  regs: SampleRegs;
  stack: SampleStack;
  /** Default x86_64. */
  arch?: UnwindArch | ArchRegisters;
  /** perf's max_stack (default 127, kernel.perf_event_max_stack). */
  maxFrames?: number;
  /**
   * The load bias of a module's CFI tables (ELF address = absolute - bias). Default: start - pgoff
   * for ET_DYN, 0 otherwise. The Session passes perf's (lowest start of the dso's maps minus the
   * first PT_LOAD page), which differs after fork+exec left a stale mapping of the same file.
   */
  cfiBias?: (module: UnwindModule, binary: DwarfBinary) => bigint | null;
}

/** One user frame. */
export interface UnwoundFrame {
  /** The address perf reports: the pc of the first frame, return address - 1 for callers. */
  ip: bigint;
  module: UnwindModule | undefined;
  /** Found by the frame-pointer fallback rather than CFI. */
  viaFramePointer: boolean;
}

/**
 * Why unwinding stopped: `end` (outermost frame: return address undefined or 0, or %rbp undefined),
 * `truncated` (a needed word lies past the saved stack), `max-frames`, `no-stack`
 * (no registers or empty stack: perf shows no user frames), `no-info` (no CFI and no
 * usable frame pointer), `error` (damaged CFI or unreadable memory elsewhere).
 */
export type UnwindStop = "end" | "truncated" | "max-frames" | "no-stack" | "no-info" | "error";

/** Frames and the reason the walk ended. */
export interface UnwindResult {
  frames: UnwoundFrame[];
  stop: UnwindStop;
  /** Human-readable detail for `error`/`no-info`. */
  detail?: string;
}

const MASK = 0xffffffffffffffffn;

/** Unwinds one sample's user stack. Never throws for bad data; argument errors throw TypeError. */
export function unwindUser(input: UnwindInput, lookup: ModuleLookup): UnwindResult {
  if (typeof input !== "object" || input === null) throw new TypeError("input must be an object");
  if (typeof lookup !== "function") throw new TypeError("lookup must be a function");
  const arch = typeof input.arch === "object" ? input.arch : archRegisters(input.arch ?? "x86_64");
  const maxFrames = input.maxFrames ?? 127;
  if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new TypeError("input.maxFrames must be a positive integer");
  const { regs, stack } = input;
  if (!regs || !stack || regs.abi === 0 || stack.dynSize === 0) return { frames: [], stop: "no-stack" };

  const sp0 = perfRegValue(regs.mask, regs.values, arch.perfSp);
  const pc0 = perfRegValue(regs.mask, regs.values, arch.perfPc);
  if (sp0 === undefined || pc0 === undefined) return { frames: [], stop: "no-stack" };
  const stackEnd = sp0 + BigInt(stack.dynSize);
  const sv = new DataView(stack.data.buffer, stack.data.byteOffset, stack.data.byteLength);
  let truncatedRead = false;

  /**
   * perf's access_mem: the saved stack, else the bytes of a mapped file. The stack's last word
   * is never served from the dump (unwind-libunwind-local.c tests `addr + 8 >= end`).
   */
  const read = (addr: bigint, size: number): bigint | undefined => {
    if (addr >= sp0 && addr + 8n < stackEnd && addr + BigInt(size) <= stackEnd) {
      const off = Number(addr - sp0);
      return size === 8 ? sv.getBigUint64(off, true) : readSmall(sv, off, size);
    }
    const m = lookup(addr);
    if (addr >= stackEnd && addr < stackEnd + 0x100000n) truncatedRead = true;
    // perf's access_dso_mem: no map is an error, but a map whose file cannot be read (the stack
    // past the dump, anonymous memory) returns 1, which libunwind takes as success: the word is 0.
    if (!m) return undefined;
    const b = m.binary?.readAt(Number(addr - m.start + m.pgoff), size);
    if (b) return readSmall(new DataView(b.buffer, b.byteOffset, b.byteLength), 0, size);
    return 0n;
  };

  let cur: (bigint | undefined)[] = new Array(arch.count);
  for (let d = 0; d < arch.count; d++) cur[d] = perfRegValue(regs.mask, regs.values, arch.dwarfToPerf[d]!);
  let pc = pc0;
  // libunwind's use_prev_instr: look the pc up at pc - 1 (inside the call). Off for the sampled
  // frame (unw_init_remote) and after a signal frame, where the pc is where execution resumes.
  let usePrev = false;
  // The last step went through a signal frame's CFI (CIE augmentation "S"): unw_is_signal_frame
  // then holds for the new frame, and perf reports its pc without the - 1.
  let afterSignal = true;
  const frames: UnwoundFrame[] = [];
  let viaFp = false;

  for (;;) {
    const ip = afterSignal ? pc : pc - 1n;
    const module = lookup(pc);
    if (ip !== 0n) frames.push({ ip, module, viaFramePointer: viaFp });
    if (frames.length >= maxFrames) return { frames, stop: "max-frames" };

    const lookPc = usePrev ? pc - 1n : pc;
    const mod = lookup(lookPc);
    const bin = mod?.binary ?? null;
    let next: (bigint | undefined)[] | null = null;
    let nextPc: bigint | undefined;
    let cfiFound = false;
    if (bin) {
      const bias = input.cfiBias?.(mod!, bin) ?? (bin.isDyn ? mod!.start - mod!.pgoff : 0n);
      const hit = bin.findCfi(Number(lookPc - bias));
      if (hit) {
        cfiFound = true;
        let row: ReturnType<typeof rowFor> | null = null;
        try {
          row = rowFor(hit.fde, Number(lookPc - bias), hit.table.section);
        } catch (e) {
          bin.note(e);
          return { frames, stop: "error", detail: (e as Error).message };
        }
        const ctx = { reg: (r: number) => cur[r], read };
        let cfa: bigint | undefined;
        try {
          if (row.cfa.kind === "reg") {
            const base = cur[row.cfa.reg];
            cfa = base === undefined ? undefined : (base + BigInt(row.cfa.offset)) & MASK;
          } else cfa = evalExpression(row.cfa.expr, ctx);
          next = new Array(arch.count);
          for (let d = 0; d < arch.count; d++) {
            const rule = row.regs.get(d) ?? defaultRule(arch, d);
            next[d] = applyRule(rule, d, cur, cfa, ctx);
          }
        } catch (e) {
          bin.note(e);
          return { frames, stop: "error", detail: (e as Error).message };
        }
        nextPc = next[row.raRegister] ?? (row.raRegister === arch.dwarfRa ? undefined : cur[row.raRegister]);
        if (nextPc === undefined) return { frames, stop: truncatedRead ? "truncated" : "end" };
        // libunwind's x86_64 unw_step: an undefined %rbp after a CFI step marks the outermost frame.
        if (arch.arch === "x86_64" && row.regs.get(arch.dwarfFp)?.kind === "undefined") return { frames, stop: "end" };
        if (nextPc === 0n) {
          // A return address that reads as 0 is still a frame for libunwind (perf prints 0 - 1,
          // or 0, which it skips, after a signal frame); the next step finds no map at 0 and stops.
          if (!row.signalFrame) frames.push({ ip: MASK, module: lookup(MASK), viaFramePointer: false });
          return { frames, stop: frames.length >= maxFrames ? "max-frames" : truncatedRead ? "truncated" : "end" };
        }
        usePrev = !row.signalFrame;
        afterSignal = row.signalFrame;
      }
    }
    if (!cfiFound) {
      // libunwind's x86_64 unw_step when dwarf_step finds no unwind info (x86_64/Gstep.c).
      if (arch.arch !== "x86_64") return { frames, stop: "no-info", detail: "no CFI" };
      // perf's find_proc_info fails (not "no info") without a map or a readable binary: no guess.
      if (!bin) return { frames, stop: "no-info", detail: "no binary at the pc" };
      const fp = cur[arch.dwarfFp];
      const cfa = cur[arch.dwarfSp];
      if (fp === undefined || cfa === undefined) return { frames, stop: "no-info", detail: "no CFI and no %rbp" };
      next = new Array(arch.count);
      let ret: bigint | undefined;
      if (isPltEntry(pc, read)) {
        // A classic PLT stub: CFA = %rsp + 8, return address at [CFA - 8], registers kept.
        for (let d = 0; d < arch.count; d++) next[d] = cur[d];
        ret = read(cfa, 8);
        next[arch.dwarfSp] = (cfa + 8n) & MASK;
        // libunwind's PLT step leaves use_prev_instr as it was.
      } else {
        // The frame-chain guess, trusted only when %rbp lies in [cfa, cfa + 0x4000] and [%rbp]
        // reads. libunwind then moves the CFA by 16 from where it was, not to %rbp + 16.
        const prevFp = fp === 0n ? undefined : read(fp, 8);
        if (prevFp === undefined || fp < cfa || fp - cfa > 0x4000n)
          return {
            frames,
            stop: truncatedRead ? "truncated" : "no-info",
            detail: "no CFI and no plausible frame pointer",
          };
        ret = read((fp + 8n) & MASK, 8);
        next[arch.dwarfFp] = prevFp;
        next[arch.dwarfSp] = (cfa + 16n) & MASK;
        usePrev = true;
      }
      if (ret === undefined) return { frames, stop: truncatedRead ? "truncated" : "no-info" };
      if (ret === 0n) {
        // As for a CFI return address of 0: one frame at 0 - 1, then no map stops the walk.
        frames.push({ ip: MASK, module: lookup(MASK), viaFramePointer: true });
        return { frames, stop: frames.length >= maxFrames ? "max-frames" : truncatedRead ? "truncated" : "end" };
      }
      nextPc = ret;
      viaFp = true;
      afterSignal = false;
    } else viaFp = false;
    cur = next!;
    pc = nextPc!;
  }
}

type Rule = NonNullable<ReturnType<typeof rowFor>["regs"] extends Map<number, infer R> ? R : never>;

function defaultRule(arch: ArchRegisters, d: number): Rule {
  if (d === arch.dwarfSp) return { kind: "val_offset", n: 0 };
  return arch.calleeSaved.includes(d) ? { kind: "same" } : { kind: "undefined" };
}

function applyRule(
  rule: Rule,
  d: number,
  cur: (bigint | undefined)[],
  cfa: bigint | undefined,
  ctx: { reg: (r: number) => bigint | undefined; read: (a: bigint, n: number) => bigint | undefined },
): bigint | undefined {
  switch (rule.kind) {
    case "undefined":
      return undefined;
    case "same":
      return cur[d];
    case "offset":
      return cfa === undefined ? undefined : ctx.read((cfa + BigInt(rule.n)) & MASK, 8);
    case "val_offset":
      return cfa === undefined ? undefined : (cfa + BigInt(rule.n)) & MASK;
    case "register":
      return cur[rule.reg];
    case "expr": {
      if (cfa === undefined) return undefined;
      const a = evalExpression(rule.expr, ctx, cfa);
      return a === undefined ? undefined : ctx.read(a, 8);
    }
    case "val_expr":
      return cfa === undefined ? undefined : evalExpression(rule.expr, ctx, cfa);
  }
}

/**
 * libunwind's is_plt_entry: `jmp *disp(%rip); push $n; jmp plt0` at `pc`, read as two words
 * through perf's memory access.
 */
function isPltEntry(pc: bigint, read: (addr: bigint, size: number) => bigint | undefined): boolean {
  const w0 = read(pc, 8);
  const w1 = read((pc + 8n) & MASK, 8);
  if (w0 === undefined || w1 === undefined) return false;
  return (w0 & 0xffffn) === 0x25ffn && ((w0 >> 48n) & 0xffn) === 0x68n && ((w1 >> 24n) & 0xffn) === 0xe9n;
}

function readSmall(v: DataView, off: number, size: number): bigint {
  switch (size) {
    case 1:
      return BigInt(v.getUint8(off));
    case 2:
      return BigInt(v.getUint16(off, true));
    case 4:
      return BigInt(v.getUint32(off, true));
    case 8:
      return v.getBigUint64(off, true);
    default: {
      let x = 0n;
      for (let i = size - 1; i >= 0; i--) x = (x << 8n) | BigInt(v.getUint8(off + i));
      return x;
    }
  }
}
