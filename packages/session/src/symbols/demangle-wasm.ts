import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * Runs gecko-profiler-demangle's wasm (rustc-demangle + cpp_demangle) directly. Its
 * wasm-bindgen glue imports the .wasm as an ES module, which Bun cannot do, so the module
 * is instantiated here by hand with the one import it needs.
 */
interface DemangleExports {
  memory: WebAssembly.Memory;
  demangle_any(ptr: number, len: number): [number, number];
  __wbindgen_malloc(size: number, align: number): number;
  __wbindgen_free(ptr: number, size: number, align: number): void;
  __wbindgen_export_0: WebAssembly.Table;
  __wbindgen_start(): void;
}

let exportsCache: DemangleExports | null = null;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

function load(): DemangleExports {
  if (exportsCache) return exportsCache;
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve("gecko-profiler-demangle/index_bg.wasm");
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  let ex: DemangleExports | null = null;
  const imports = {
    "./index_bg.js": {
      // Mirrors wasm-bindgen's __wbindgen_init_externref_table.
      __wbindgen_init_externref_table: () => {
        const table = ex!.__wbindgen_export_0;
        const offset = table.grow(4);
        table.set(0, undefined);
        table.set(offset + 0, undefined);
        table.set(offset + 1, null);
        table.set(offset + 2, true);
        table.set(offset + 3, false);
      },
    },
  };
  const instance = new WebAssembly.Instance(module, imports);
  ex = instance.exports as unknown as DemangleExports;
  ex.__wbindgen_start();
  exportsCache = ex;
  return ex;
}

/** Full demangling (with parameters) of a C++ or Rust symbol; returns the input when not mangled. */
export function demangleFull(name: string): string {
  const ex = load();
  const bytes = encoder.encode(name);
  const ptr = ex.__wbindgen_malloc(bytes.length, 1) >>> 0;
  new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
  const [outPtr, outLen] = ex.demangle_any(ptr, bytes.length);
  try {
    return decoder.decode(new Uint8Array(ex.memory.buffer, outPtr >>> 0, outLen >>> 0));
  } finally {
    ex.__wbindgen_free(outPtr, outLen, 1);
  }
}
