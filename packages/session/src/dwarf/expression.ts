/** A DWARF expression evaluator for the cases CFI uses (PLT entries, signal frames, stack realignment). */
import { DwarfError } from "./errors.ts";
import { SectionReader } from "./reader.ts";

/** What an expression may read while it runs. */
export interface ExprContext {
  /** Value of DWARF register `reg`, or undefined when unknown. */
  reg(reg: number): bigint | undefined;
  /** Reads `size` bytes (1..8) of target memory at `addr`, or undefined when unreadable. */
  read(addr: bigint, size: number): bigint | undefined;
}

const MASK = 0xffffffffffffffffn;
const MAX_STEPS = 10_000;

/**
 * Evaluates `expr` with `initial` pushed first (the CFA for register rules) and returns
 * the top of the stack, or undefined when a register or memory word is unavailable.
 * Throws {@link DwarfError} for malformed or unsupported expressions.
 */
export function evalExpression(expr: Uint8Array, ctx: ExprContext, initial?: bigint): bigint | undefined {
  const r = new SectionReader(expr, "DWARF expression");
  const st: bigint[] = initial === undefined ? [] : [initial];
  const pop = (): bigint => {
    const v = st.pop();
    if (v === undefined) throw new DwarfError("bad-value", "expression stack underflow", "DWARF expression", r.pos);
    return v;
  };
  const signed = (v: bigint) => BigInt.asIntN(64, v);
  let steps = 0;
  while (r.remaining > 0) {
    if (++steps > MAX_STEPS) throw new DwarfError("limit", "expression does not terminate", "DWARF expression", r.pos);
    const op = r.u8();
    if (op >= 0x30 && op <= 0x4f) {
      st.push(BigInt(op - 0x30));
      continue;
    }
    if (op >= 0x70 && op <= 0x8f) {
      const v = ctx.reg(op - 0x70);
      const off = r.slebBig();
      if (v === undefined) return undefined;
      st.push((v + off) & MASK);
      continue;
    }
    if (op >= 0x50 && op <= 0x6f) {
      const v = ctx.reg(op - 0x50);
      if (v === undefined) return undefined;
      st.push(v);
      continue;
    }
    switch (op) {
      case 0x03:
        st.push(r.u64());
        break;
      case 0x06: {
        const v = ctx.read(pop(), 8);
        if (v === undefined) return undefined;
        st.push(v);
        break;
      }
      case 0x08:
        st.push(BigInt(r.u8()));
        break;
      case 0x09:
        st.push(BigInt(r.s8()) & MASK);
        break;
      case 0x0a:
        st.push(BigInt(r.u16()));
        break;
      case 0x0b:
        st.push(BigInt(r.s16()) & MASK);
        break;
      case 0x0c:
        st.push(BigInt(r.u32()));
        break;
      case 0x0d:
        st.push(BigInt(r.s32()) & MASK);
        break;
      case 0x0e:
        st.push(r.u64());
        break;
      case 0x0f:
        st.push(r.s64() & MASK);
        break;
      case 0x10:
        st.push(r.ulebBig() & MASK);
        break;
      case 0x11:
        st.push(r.slebBig() & MASK);
        break;
      case 0x12: {
        const v = pop();
        st.push(v, v);
        break;
      }
      case 0x13:
        pop();
        break;
      case 0x14: {
        if (st.length < 2) pop();
        st.push(st[st.length - 2]!);
        break;
      }
      case 0x15: {
        const i = r.u8();
        if (i >= st.length) throw new DwarfError("bad-value", `pick ${i} beyond stack`, "DWARF expression", r.pos);
        st.push(st[st.length - 1 - i]!);
        break;
      }
      case 0x16: {
        const a = pop();
        const b = pop();
        st.push(a, b);
        break;
      }
      case 0x17: {
        const a = pop();
        const b = pop();
        const c = pop();
        st.push(a, c, b);
        break;
      }
      case 0x19:
        st.push(((x) => (x < 0n ? -x : x))(signed(pop())) & MASK);
        break;
      case 0x1f:
        st.push(-signed(pop()) & MASK);
        break;
      case 0x20:
        st.push(~pop() & MASK);
        break;
      case 0x23:
        st.push((pop() + r.ulebBig()) & MASK);
        break;
      case 0x1a:
      case 0x1b:
      case 0x1c:
      case 0x1d:
      case 0x1e:
      case 0x21:
      case 0x22:
      case 0x24:
      case 0x25:
      case 0x26:
      case 0x27:
      case 0x29:
      case 0x2a:
      case 0x2b:
      case 0x2c:
      case 0x2d:
      case 0x2e: {
        const b = pop();
        const a = pop();
        st.push(binary(op, a, b, r.pos) & MASK);
        break;
      }
      case 0x28: {
        const off = r.s16();
        if (pop() !== 0n) jump(r, off);
        break;
      }
      case 0x2f:
        jump(r, r.s16());
        break;
      case 0x90: {
        const v = ctx.reg(r.uleb());
        if (v === undefined) return undefined;
        st.push(v);
        break;
      }
      case 0x92: {
        const v = ctx.reg(r.uleb());
        const off = r.slebBig();
        if (v === undefined) return undefined;
        st.push((v + off) & MASK);
        break;
      }
      case 0x94: {
        const size = r.u8();
        if (size < 1 || size > 8) throw new DwarfError("bad-value", `deref_size ${size}`, "DWARF expression", r.pos);
        const v = ctx.read(pop(), size);
        if (v === undefined) return undefined;
        st.push(v);
        break;
      }
      case 0x96:
        break;
      default:
        throw new DwarfError("unsupported", `DW_OP 0x${op.toString(16)}`, "DWARF expression", r.pos - 1);
    }
  }
  return st.length ? st[st.length - 1] : undefined;
}

function jump(r: SectionReader, off: number): void {
  const to = r.pos + off;
  if (to < 0 || to > r.bytes.length) throw new DwarfError("bad-offset", `branch to ${to}`, "DWARF expression", r.pos);
  r.pos = to;
}

function binary(op: number, a: bigint, b: bigint, at: number): bigint {
  const sa = BigInt.asIntN(64, a);
  const sb = BigInt.asIntN(64, b);
  switch (op) {
    case 0x1a:
      return a & b;
    case 0x1b:
      if (sb === 0n) throw new DwarfError("bad-value", "division by zero", "DWARF expression", at);
      return sa / sb;
    case 0x1c:
      return a - b;
    case 0x1d:
      if (b === 0n) throw new DwarfError("bad-value", "modulo by zero", "DWARF expression", at);
      return a % b;
    case 0x1e:
      return a * b;
    case 0x21:
      return a | b;
    case 0x22:
      return a + b;
    case 0x24:
      return b >= 64n ? 0n : a << b;
    case 0x25:
      return b >= 64n ? 0n : a >> b;
    case 0x26:
      return sa >> (b >= 64n ? 63n : b);
    case 0x27:
      return a ^ b;
    case 0x29:
      return sa === sb ? 1n : 0n;
    case 0x2a:
      return sa >= sb ? 1n : 0n;
    case 0x2b:
      return sa > sb ? 1n : 0n;
    case 0x2c:
      return sa <= sb ? 1n : 0n;
    case 0x2d:
      return sa < sb ? 1n : 0n;
    default:
      return sa !== sb ? 1n : 0n;
  }
}
