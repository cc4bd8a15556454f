/**
 * Parser of the C expressions in a print fmt's argument list (`REC->prev_state & 3`,
 * `__print_flags(...)`, casts, ternaries). Produces a small AST evaluated by print-expr-eval.ts.
 */
import { skipLiteral, unescapeC } from "./print-fmt-split.ts";

/** A node of a print fmt argument expression. */
export type Expr =
  | { readonly k: "num"; readonly v: bigint }
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "field"; readonly name: string }
  | { readonly k: "ident"; readonly name: string }
  | { readonly k: "index"; readonly base: Expr; readonly idx: Expr }
  | { readonly k: "member"; readonly base: Expr; readonly name: string }
  | { readonly k: "un"; readonly op: string; readonly a: Expr }
  | { readonly k: "bin"; readonly op: string; readonly a: Expr; readonly b: Expr }
  | { readonly k: "cond"; readonly c: Expr; readonly t: Expr; readonly f: Expr }
  | { readonly k: "cast"; readonly type: string; readonly a: Expr }
  | { readonly k: "sizeof"; readonly type: string }
  | { readonly k: "call"; readonly name: string; readonly args: readonly Expr[] }
  | { readonly k: "list"; readonly items: readonly Expr[] };

type Tok = { t: "num"; v: bigint } | { t: "str"; v: string } | { t: "id"; v: string } | { t: "op"; v: string };

const OPS3 = ["<<=", ">>="];
const OPS2 = ["->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "++", "--"];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let s = "";
      // Adjacent literals concatenate.
      while (src[i] === '"') {
        const end = skipLiteral(src, i);
        s += unescapeC(src.slice(i + 1, end - 1));
        i = end;
        while (/\s/.test(src[i] ?? "")) i++;
      }
      out.push({ t: "str", v: s });
      continue;
    }
    if (c === "'") {
      const end = skipLiteral(src, i);
      const body = unescapeC(src.slice(i + 1, end - 1));
      out.push({ t: "num", v: BigInt(body.charCodeAt(0) || 0) });
      i = end;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)/.exec(src.slice(i)) as RegExpExecArray;
      let text = m[1];
      if (/^0[0-7]+$/.test(text)) text = `0o${text.slice(1)}`;
      out.push({ t: "num", v: BigInt(text) });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][\w$]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPS3.find((o) => src.startsWith(o, i)) ?? OPS2.find((o) => src.startsWith(o, i)) ?? c;
    if (!"+-*/%<>=!&|^~?:,.()[]{}".includes(op[0])) throw new Error(`unexpected character "${c}" at column ${i + 1}`);
    out.push({ t: "op", v: op });
    i += op.length;
  }
  return out;
}

const BINARY_PREC: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "|": 3,
  "^": 4,
  "&": 5,
  "==": 6,
  "!=": 6,
  "<": 7,
  ">": 7,
  "<=": 7,
  ">=": 7,
  "<<": 8,
  ">>": 8,
  "+": 9,
  "-": 9,
  "*": 10,
  "/": 10,
  "%": 10,
};

const TYPE_WORDS = new Set([
  "unsigned",
  "signed",
  "int",
  "long",
  "char",
  "short",
  "void",
  "bool",
  "_Bool",
  "struct",
  "enum",
  "union",
  "const",
  "volatile",
]);

/** Whether an identifier names a type (so `(name)` before an operand is a cast). */
function isTypeName(id: string): boolean {
  return TYPE_WORDS.has(id) || /^(__)?[us]\d+$/.test(id) || /^__(le|be)\d+$/.test(id) || /_t$/.test(id);
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }
  private isOp(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t !== undefined && t.t === "op" && t.v === v;
  }
  private expect(v: string): void {
    if (!this.isOp(v)) throw new Error(`expected "${v}" but found ${this.describe()}`);
    this.i++;
  }
  private describe(): string {
    const t = this.peek();
    return t === undefined ? "end of expression" : `"${String(t.v)}"`;
  }
  parseAll(): Expr {
    const e = this.expr();
    if (this.i < this.toks.length) throw new Error(`unexpected ${this.describe()}`);
    return e;
  }
  /** Ternary level (right-associative). */
  expr(): Expr {
    const c = this.binary(1);
    if (!this.isOp("?")) return c;
    this.i++;
    const t = this.expr();
    this.expect(":");
    const f = this.expr();
    return { k: "cond", c, t, f };
  }
  private binary(minPrec: number): Expr {
    let a = this.unary();
    for (;;) {
      const t = this.peek();
      if (t?.t !== "op") return a;
      const p = BINARY_PREC[t.v];
      if (p === undefined || p < minPrec) return a;
      this.i++;
      const b = this.binary(p + 1);
      a = { k: "bin", op: t.v, a, b };
    }
  }
  /** Length of a cast `( type-words [*...] )` starting at the current "(", or 0. */
  private castLength(): number {
    if (!this.isOp("(")) return 0;
    let j = 1;
    let sawType = false;
    let words = 0;
    for (;;) {
      const t = this.peek(j);
      if (!t) return 0;
      if (t.t === "id") {
        if (isTypeName(t.v)) sawType = true;
        words++;
      } else if (t.t === "op" && t.v === "*") sawType = words > 0;
      else if (t.t === "op" && t.v === ")") break;
      else return 0;
      j++;
    }
    const next = this.peek(j + 1);
    if (words === 0 || !next) return 0;
    if (!sawType && words === 1) {
      // "(name)" of an unknown typedef is a cast only when an operand follows directly.
      if (next.t === "op" && next.v !== "(") return 0;
    } else if (next.t === "op" && !["(", "-", "!", "~", "*", "&", "+"].includes(next.v)) return 0;
    return j + 1;
  }
  private typeText(from: number, to: number): string {
    return this.toks
      .slice(from, to)
      .map((t) => String(t.v))
      .join(" ")
      .replace(/ \*/g, "*");
  }
  private unary(): Expr {
    const t = this.peek();
    if (t && t.t === "op") {
      if (["-", "!", "~", "+", "*", "&"].includes(t.v)) {
        this.i++;
        return { k: "un", op: t.v, a: this.unary() };
      }
      const n = this.castLength();
      if (n > 0) {
        const type = this.typeText(this.i + 1, this.i + n - 1);
        this.i += n;
        return { k: "cast", type, a: this.unary() };
      }
    }
    if (t && t.t === "id" && t.v === "sizeof") {
      this.i++;
      this.expect("(");
      const start = this.i;
      let depth = 1;
      while (this.peek() && depth > 0) {
        if (this.isOp("(")) depth++;
        if (this.isOp(")")) depth--;
        this.i++;
      }
      return { k: "sizeof", type: this.typeText(start, this.i - 1) };
    }
    return this.postfix(this.primary());
  }
  private postfix(e: Expr): Expr {
    for (;;) {
      if (this.isOp("[")) {
        this.i++;
        const idx = this.expr();
        this.expect("]");
        e = { k: "index", base: e, idx };
      } else if (this.isOp("->") || this.isOp(".")) {
        this.i++;
        const t = this.peek();
        if (t?.t !== "id") throw new Error(`expected a member name but found ${this.describe()}`);
        this.i++;
        e = e.k === "ident" && e.name === "REC" ? { k: "field", name: t.v } : { k: "member", base: e, name: t.v };
      } else return e;
    }
  }
  private primary(): Expr {
    const t = this.peek();
    if (!t) throw new Error("unexpected end of expression");
    this.i++;
    if (t.t === "num") return { k: "num", v: t.v };
    if (t.t === "str") return { k: "str", v: t.v };
    if (t.t === "id") {
      if (this.isOp("(")) {
        this.i++;
        const args: Expr[] = [];
        if (!this.isOp(")")) {
          for (;;) {
            args.push(this.expr());
            if (this.isOp(",")) this.i++;
            else break;
          }
        }
        this.expect(")");
        return { k: "call", name: t.v, args };
      }
      return { k: "ident", name: t.v };
    }
    if (t.v === "(") {
      // A parenthesised expression; "({ ... })" statement expressions are not supported.
      const e = this.expr();
      this.expect(")");
      return e;
    }
    if (t.v === "{") {
      const items: Expr[] = [];
      while (!this.isOp("}")) {
        items.push(this.expr());
        if (this.isOp(",")) this.i++;
        else break;
      }
      this.expect("}");
      return { k: "list", items };
    }
    throw new Error(`unexpected "${t.v}"`);
  }
}

/** Parses one argument expression of a print fmt. Throws an Error describing the problem. */
export function parsePrintExpr(src: string): Expr {
  return new Parser(tokenize(src)).parseAll();
}
