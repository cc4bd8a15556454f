/**
 * DWARF expressions of CFI rows (PLT entries' CFA, realigned stacks) compiled for the Number
 * unwinder: straight-line programs of the ops such rows use, checked once so that running
 * them cannot fail the way {@link evalExpression} can (stack underflow, unknown ops). Any
 * other expression (branches, signed constants, deref_size other than 8, …) compiles to
 * null and its row stays with the BigInt unwinder.
 */
import { SectionReader } from "./reader.ts";

/** Compiled op codes (pairs of op, argument in a Float64Array). */
export const X_CONST = 0;
/** Push register `arg >> 0` (as `reg + off`: see X_REG_OFF). */
export const X_REG_OFF = 1;
export const X_DEREF = 2;
export const X_PLUS_CONST = 3;
export const X_DUP = 4;
export const X_DROP = 5;
export const X_SWAP = 6;
export const X_OVER = 7;
export const X_AND = 8;
export const X_OR = 9;
export const X_XOR = 10;
export const X_PLUS = 11;
export const X_MINUS = 12;
export const X_MUL = 13;
export const X_SHL = 14;
export const X_SHR = 15;
export const X_EQ = 16;
export const X_GE = 17;
export const X_GT = 18;
export const X_LE = 19;
export const X_LT = 20;
export const X_NE = 21;

const SAFE = 9007199254740992n;
/** Deepest stack a compiled expression may need (the evaluator's stack size). */
export const MAX_DEPTH = 64;

/** Binary DW_OPs and their compiled codes. */
const BINARY = new Map<number, number>([
  [0x1a, X_AND],
  [0x21, X_OR],
  [0x27, X_XOR],
  [0x22, X_PLUS],
  [0x1c, X_MINUS],
  [0x1e, X_MUL],
  [0x24, X_SHL],
  [0x25, X_SHR],
  [0x29, X_EQ],
  [0x2a, X_GE],
  [0x2b, X_GT],
  [0x2c, X_LE],
  [0x2d, X_LT],
  [0x2e, X_NE],
]);

/**
 * A compiled expression: `code` holds (op, arg) pairs; X_REG_OFF takes its offset from the
 * next pair's argument slot (`code[i + 3]`).
 */
export interface NumberExpression {
  code: Float64Array;
}

/**
 * Compiles `expr` (with `initialDepth` values pushed before it runs: 1 for register rules,
 * which start with the CFA), or returns null when the Number unwinder cannot run it exactly.
 */
export function compileExpression(expr: Uint8Array, initialDepth: number): NumberExpression | null {
  if (!(expr instanceof Uint8Array)) throw new TypeError("expr must be a Uint8Array");
  const r = new SectionReader(expr, "DWARF expression");
  const code: number[] = [];
  let depth = initialDepth;
  let maxDepth = depth;
  const push = (op: number, arg: number) => {
    code.push(op, arg);
  };
  try {
    while (r.remaining > 0) {
      maxDepth = Math.max(maxDepth, depth);
      const op = r.u8();
      if (op >= 0x30 && op <= 0x4f) {
        push(X_CONST, op - 0x30);
        depth++;
        continue;
      }
      if ((op >= 0x70 && op <= 0x8f) || op === 0x92) {
        const reg = op === 0x92 ? r.uleb() : op - 0x70;
        const off = r.slebBig();
        if (off <= -SAFE || off >= SAFE) return null;
        push(X_REG_OFF, reg);
        push(X_CONST, Number(off));
        depth++;
        continue;
      }
      if ((op >= 0x50 && op <= 0x6f) || op === 0x90) {
        push(X_REG_OFF, op === 0x90 ? r.uleb() : op - 0x50);
        push(X_CONST, 0);
        depth++;
        continue;
      }
      const bin = BINARY.get(op);
      if (bin !== undefined) {
        if (depth < 2) return null;
        push(bin, 0);
        depth--;
        continue;
      }
      switch (op) {
        case 0x06:
          if (depth < 1) return null;
          push(X_DEREF, 0);
          break;
        case 0x94:
          if (r.u8() !== 8 || depth < 1) return null;
          push(X_DEREF, 0);
          break;
        case 0x08:
        case 0x0a:
        case 0x0c:
        case 0x10: {
          const v = op === 0x08 ? r.u8() : op === 0x0a ? r.u16() : op === 0x0c ? r.u32() : r.ulebBig();
          if (BigInt(v) >= SAFE) return null;
          push(X_CONST, Number(v));
          depth++;
          break;
        }
        case 0x23: {
          if (depth < 1) return null;
          const v = r.ulebBig();
          if (v >= SAFE) return null;
          push(X_PLUS_CONST, Number(v));
          break;
        }
        case 0x12:
          if (depth < 1) return null;
          push(X_DUP, 0);
          depth++;
          break;
        case 0x13:
          if (depth < 1) return null;
          push(X_DROP, 0);
          depth--;
          break;
        case 0x14:
          if (depth < 2) return null;
          push(X_OVER, 0);
          depth++;
          break;
        case 0x16:
          if (depth < 2) return null;
          push(X_SWAP, 0);
          break;
        case 0x96:
          break;
        default:
          return null;
      }
    }
  } catch {
    // Truncated operands: evalExpression reports them.
    return null;
  }
  if (Math.max(maxDepth, depth) > MAX_DEPTH) return null;
  return { code: Float64Array.from(code) };
}
