import { type SyscallArch, syscallArch } from "./machines.ts";
import { table as aarch64 } from "./tables/aarch64.ts";
import { table as arm } from "./tables/arm.ts";
import { table as i386 } from "./tables/i386.ts";
import { table as mips64 } from "./tables/mips64.ts";
import { table as powerpc64 } from "./tables/powerpc64.ts";
import { table as riscv64 } from "./tables/riscv64.ts";
import { table as s390x } from "./tables/s390x.ts";
import { table as x86_64 } from "./tables/x86_64.ts";

const RAW: Record<SyscallArch, string> = { x86_64, i386, aarch64, arm, riscv64, powerpc64, s390x, mips64 };

interface Parsed {
  byId: Map<number, string>;
  byName: Map<string, number>;
}
const parsed = new Map<SyscallArch, Parsed>();

function tableFor(arch: SyscallArch): Parsed {
  let t = parsed.get(arch);
  if (t) return t;
  t = { byId: new Map(), byName: new Map() };
  for (const pair of RAW[arch].split(",")) {
    const sp = pair.indexOf(" ");
    const id = Number(pair.slice(0, sp));
    const name = pair.slice(sp + 1);
    t.byId.set(id, name);
    if (!t.byName.has(name)) t.byName.set(name, id); // lowest number wins (x86_64's x32 range repeats names)
  }
  parsed.set(arch, t);
  return t;
}

/** Options for {@link syscallName} and {@link syscallId}. */
export interface SyscallOptions {
  /** ELF e_machine number (62 = x86_64, 183 = aarch64, ...) or a name like "x86_64"; default: the host. */
  elfMachine?: number | string;
}

function checkOptions(options: unknown): asserts options is SyscallOptions {
  if (typeof options !== "object" || options === null)
    throw new TypeError(`options must be an object, got ${typeof options}`);
}

/**
 * The name of syscall `id` ("openat"), as perf's syscall tables name it, or null when the
 * architecture has no syscall with that number.
 */
export function syscallName(id: number, options: SyscallOptions = {}): string | null {
  if (typeof id !== "number" || !Number.isInteger(id)) throw new TypeError(`id must be an integer, got ${typeof id}`);
  checkOptions(options);
  return tableFor(syscallArch(options.elfMachine)).byId.get(id) ?? null;
}

/** The number of syscall `name`; throws an Error when the architecture has no such syscall. */
export function syscallId(name: string, options: SyscallOptions = {}): number {
  if (typeof name !== "string") throw new TypeError(`name must be a string, got ${typeof name}`);
  checkOptions(options);
  const arch = syscallArch(options.elfMachine);
  const id = tableFor(arch).byName.get(name);
  if (id === undefined) throw new Error(`unknown syscall "${name}" on ${arch}`);
  return id;
}

/** Every (id, name) pair of an architecture's table, ascending by id. */
export function syscallTable(options: SyscallOptions = {}): [number, string][] {
  checkOptions(options);
  return [...tableFor(syscallArch(options.elfMachine)).byId.entries()];
}
