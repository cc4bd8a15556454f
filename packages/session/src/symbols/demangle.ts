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
  const base = baseName(name);
  let out: string;
  try {
    out = demangleFull(base);
  } catch {
    return name; // a demangler fault costs a pretty name, never the symbol
  }
  // demangle_any also tries a macOS-style leading-underscore strip; libiberty would fail.
  if (out === base || out === base.slice(1)) return name;
  out = libibertyStyle(out);
  if (options.params === true || KEEPS_TYPES.test(out)) return out;
  return stripParams(out);
}

/** Special names whose inner part libiberty prints in full even without DMGL_PARAMS. */
const KEEPS_TYPES =
  /^(?:(?:non-virtual |virtual |covariant return )thunk to |transaction clone for |typeinfo (?:name )?for |vtable for |VTT for |construction vtable for )/;

/**
 * Drops what follows a mangled name and that perf does not print: a symbol version
 * (`@GLIBCXX_3.4`) and a Rust legacy suffix after the hash (`...17h<16 hex>E.0`).
 */
function baseName(name: string): string {
  const at = name.indexOf("@", 1);
  if (at > 0) name = name.slice(0, at);
  const rust = /^(_ZN.*17h[0-9a-f]{16}E|_R[^.]*)\..*$/.exec(name);
  return rust ? rust[1]! : name;
}

const STREAMS: [RegExp, string][] = [
  [/std::basic_istream<char, std::char_traits<char> >(?!::~?basic_istream\b)/g, "std::istream"],
  [/std::basic_ostream<char, std::char_traits<char> >(?!::~?basic_ostream\b)/g, "std::ostream"],
  [/std::basic_iostream<char, std::char_traits<char> >(?!::~?basic_iostream\b)/g, "std::iostream"],
];

/**
 * Rewrites cpp_demangle's wording into libiberty's (what perf links): special names
 * ("vtable for", "VTT for", "... thunk to"), and the short forms of the standard
 * substitutions Si/So/Sd/Ss, which libiberty expands fully only before a ctor/dtor.
 */
export function libibertyStyle(s: string): string {
  const special = /^\{(vtable|vtt)\((.*)\)\}$/.exec(s);
  if (special) return `${special[1] === "vtable" ? "vtable" : "VTT"} for ${libibertyStyle(special[2]!)}`;
  const thunk = /^\{virtual override thunk\(((?:\{[^}]*\}, )+)(.*)\)\}$/.exec(s);
  if (thunk) {
    const offsets = thunk[1]!.split("}, ").length - 1;
    const kind =
      offsets >= 2
        ? "covariant return thunk to"
        : thunk[1]!.startsWith("{virtual offset")
          ? "virtual thunk to"
          : "non-virtual thunk to";
    return `${kind} ${libibertyStyle(thunk[2]!)}`;
  }
  for (const [re, short] of STREAMS) s = s.replace(re, short);
  s = s.replace(/std::nullptr_t\b/g, "decltype(nullptr)");
  // cpp_demangle writes a pointer-to-member-function type as (C::*(args)), libiberty as (C::*)(args).
  s = s.replace(/\(([^()]*::\*)\(([^()]*)\)\)/g, "($1)($2)");
  s = s.replace(
    /std::(i|o|io)stream::(~?)(?:i|o|io)stream\b/g,
    "std::basic_$1stream<char, std::char_traits<char> >::$2basic_$1stream",
  );
  return s.replace(
    /std::string::(~?)string\b/g,
    "std::basic_string<char, std::char_traits<char>, std::allocator<char> >::$1basic_string",
  );
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
