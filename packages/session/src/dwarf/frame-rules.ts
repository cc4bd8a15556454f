/** Runs CIE + FDE call frame instructions (DW_CFA_*) up to a pc and yields the row. */
import type { Fde } from "./cfi.ts";
import { readEncoded } from "./pointer-encoding.ts";
import { SectionReader } from "./reader.ts";

/** How a register of the caller is recovered (DWARF 5 §6.4.1). */
export type RegRule =
  | { kind: "undefined" }
  | { kind: "same" }
  | { kind: "offset"; n: number }
  | { kind: "val_offset"; n: number }
  | { kind: "register"; reg: number }
  | { kind: "expr"; expr: Uint8Array }
  | { kind: "val_expr"; expr: Uint8Array };

/** How the CFA is computed. */
export type CfaRule = { kind: "reg"; reg: number; offset: number } | { kind: "expr"; expr: Uint8Array };

/** The unwind row for one pc: CFA rule plus explicit register rules (absent = ABI default). */
export interface FrameRow {
  cfa: CfaRule;
  regs: Map<number, RegRule>;
  raRegister: number;
  signalFrame: boolean;
}

const MAX_STATE_DEPTH = 64;

const rowCache = new WeakMap<Fde, Map<number, FrameRow>>();

/**
 * Computes the row of `fde` that applies at `pc` (cached per FDE and pc: unwinding a recording
 * visits the same return addresses over and over). Rows are shared: treat them as read-only.
 * Throws DwarfError on damaged programs.
 */
export function rowFor(fde: Fde, pc: number, section: string): FrameRow {
  let rows = rowCache.get(fde);
  if (!rows) {
    rows = new Map();
    rowCache.set(fde, rows);
  }
  let row = rows.get(pc);
  if (!row) {
    row = computeRow(fde, pc, section);
    rows.set(pc, row);
  }
  return row;
}

function computeRow(fde: Fde, pc: number, section: string): FrameRow {
  const cie = fde.cie;
  const row: FrameRow = {
    cfa: { kind: "reg", reg: -1, offset: 0 },
    regs: new Map(),
    raRegister: cie.raRegister,
    signalFrame: cie.signalFrame,
  };
  run(cie.instructions, row, null, fde, Number.POSITIVE_INFINITY, section);
  const initial = new Map(row.regs);
  run(fde.instructions, row, initial, fde, pc, section);
  return row;
}

function run(
  code: Uint8Array,
  row: FrameRow,
  initial: Map<number, RegRule> | null,
  fde: Fde,
  pc: number,
  section: string,
): void {
  const cie = fde.cie;
  const r = new SectionReader(code, section);
  const stack: { cfa: CfaRule; regs: Map<number, RegRule> }[] = [];
  let loc = fde.start;
  const da = cie.dataAlign;
  const ca = cie.codeAlign;
  const restore = (reg: number) => {
    const v = initial?.get(reg);
    if (v) row.regs.set(reg, v);
    else row.regs.delete(reg);
  };
  const advance = (delta: number): boolean => {
    loc += delta * ca;
    return loc > pc;
  };
  const block = () => {
    const n = r.uleb();
    const b = code.subarray(r.pos, r.pos + n);
    r.skip(n);
    return b;
  };
  while (r.remaining > 0) {
    const op = r.u8();
    const hi = op & 0xc0;
    const lo = op & 0x3f;
    if (hi === 0x40) {
      if (advance(lo)) return;
      continue;
    }
    if (hi === 0x80) {
      row.regs.set(lo, { kind: "offset", n: r.uleb() * da });
      continue;
    }
    if (hi === 0xc0) {
      restore(lo);
      continue;
    }
    switch (op) {
      case 0x00: // nop
        break;
      case 0x01: {
        loc = readEncoded(r, cie.fdeEncoding, cie.addrSize, { sectionAddr: 0 });
        if (loc > pc) return;
        break;
      }
      case 0x02:
        if (advance(r.u8())) return;
        break;
      case 0x03:
        if (advance(r.u16())) return;
        break;
      case 0x04:
        if (advance(r.u32())) return;
        break;
      case 0x05: {
        const reg = r.uleb();
        row.regs.set(reg, { kind: "offset", n: r.uleb() * da });
        break;
      }
      case 0x06:
        restore(r.uleb());
        break;
      case 0x07:
        row.regs.set(r.uleb(), { kind: "undefined" });
        break;
      case 0x08:
        row.regs.set(r.uleb(), { kind: "same" });
        break;
      case 0x09: {
        const reg = r.uleb();
        row.regs.set(reg, { kind: "register", reg: r.uleb() });
        break;
      }
      case 0x0a:
        if (stack.length >= MAX_STATE_DEPTH) r.fail("bad-value", "remember_state nested too deep");
        stack.push({ cfa: row.cfa, regs: new Map(row.regs) });
        break;
      case 0x0b: {
        const s = stack.pop();
        if (!s) r.fail("bad-value", "restore_state without remember_state", r.pos - 1);
        else {
          // GCC and libdw restore the CFA rule together with the register rules.
          row.cfa = s.cfa;
          row.regs = s.regs;
        }
        break;
      }
      case 0x0c: {
        const reg = r.uleb();
        row.cfa = { kind: "reg", reg, offset: r.uleb() };
        break;
      }
      case 0x0d: {
        const reg = r.uleb();
        row.cfa = { kind: "reg", reg, offset: row.cfa.kind === "reg" ? row.cfa.offset : 0 };
        break;
      }
      case 0x0e: {
        const off = r.uleb();
        row.cfa = { kind: "reg", reg: row.cfa.kind === "reg" ? row.cfa.reg : -1, offset: off };
        break;
      }
      case 0x0f:
        row.cfa = { kind: "expr", expr: block() };
        break;
      case 0x10: {
        const reg = r.uleb();
        row.regs.set(reg, { kind: "expr", expr: block() });
        break;
      }
      case 0x11: {
        const reg = r.uleb();
        row.regs.set(reg, { kind: "offset", n: r.sleb() * da });
        break;
      }
      case 0x12: {
        const reg = r.uleb();
        row.cfa = { kind: "reg", reg, offset: r.sleb() * da };
        break;
      }
      case 0x13: {
        const off = r.sleb() * da;
        row.cfa = { kind: "reg", reg: row.cfa.kind === "reg" ? row.cfa.reg : -1, offset: off };
        break;
      }
      case 0x14: {
        const reg = r.uleb();
        row.regs.set(reg, { kind: "val_offset", n: r.uleb() * da });
        break;
      }
      case 0x15: {
        const reg = r.uleb();
        row.regs.set(reg, { kind: "val_offset", n: r.sleb() * da });
        break;
      }
      case 0x16: {
        const reg = r.uleb();
        row.regs.set(reg, { kind: "val_expr", expr: block() });
        break;
      }
      case 0x2d: // GNU_window_save / AARCH64_negate_ra_state: no effect on these register sets
        break;
      case 0x2e: // GNU_args_size
        r.uleb();
        break;
      case 0x2f: {
        const reg = r.uleb();
        row.regs.set(reg, { kind: "offset", n: -r.uleb() * da });
        break;
      }
      default:
        r.fail("unsupported", `DW_CFA opcode 0x${op.toString(16)}`, r.pos - 1);
    }
  }
}
