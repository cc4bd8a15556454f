import { demangleFull } from "./demangle-wasm.ts";

/** Options for {@link demangle}. */
export interface DemangleOptions {
  /**
   * Keep parameter lists, qualifiers and clone suffixes (perf -v, libiberty DMGL_PARAMS).
   * Default false: the name perf 6.1 `perf script` / `perf report` prints.
   */
  params?: boolean;
}

/** True for names a C++ (Itanium) or Rust (legacy `_ZN..E` or v0 `_R`) demangler accepts. */
export function isMangled(name: string): boolean {
  return name.startsWith("_Z") || name.startsWith("__Z") || name.startsWith("_R");
}

/**
 * Demangles a C++ (Itanium) or Rust (legacy and v0) symbol as perf 6.1 prints it:
 * without parameter list, function qualifiers or `[clone .x]` suffixes, Rust hashes dropped.
 * Names that are not mangled (C symbols) come back unchanged.
 */
export function demangle(name: string, options: DemangleOptions = {}): string {
  if (typeof name !== "string") throw new TypeError(`name must be a string, got ${typeof name}`);
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  if (!isMangled(name)) return name;
  let out: string;
  try {
    out = demangleFull(name);
  } catch {
    return name; // a demangler fault costs a pretty name, never the symbol
  }
  if (out === name || options.params === true) return out;
  return stripParams(out);
}

const QUALIFIERS = [" const", " volatile", " &&", " &", " noexcept", " transaction_safe"];

/**
 * Turns a fully demangled name into libiberty's DMGL_NO_OPTS form: drops trailing clone
 * suffixes, function qualifiers, then the outermost trailing parameter list.
 */
export function stripParams(full: string): string {
  let s = full;
  for (;;) {
    const before = s;
    s = s.replace(/ \[clone [^\]]*\]$/, "");
    for (const q of QUALIFIERS) if (s.endsWith(q)) s = s.slice(0, -q.length);
    if (s === before) break;
  }
  if (!s.endsWith(")")) return s;
  let depth = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s[i];
    if (c === ")") depth++;
    else if (c === "(") {
      depth--;
      if (depth === 0) return i > 0 ? s.slice(0, i) : s;
    }
  }
  return s;
}
