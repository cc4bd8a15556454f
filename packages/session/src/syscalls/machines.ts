/** Architectures with a syscall table. */
export type SyscallArch = "x86_64" | "i386" | "aarch64" | "arm" | "riscv64" | "powerpc64" | "s390x" | "mips64";

/** ELF e_machine numbers → table (EM_X86_64, EM_386, EM_AARCH64, EM_ARM, EM_RISCV, EM_PPC64, EM_S390, EM_MIPS). */
const BY_EM: Record<number, SyscallArch> = {
  62: "x86_64",
  3: "i386",
  183: "aarch64",
  40: "arm",
  243: "riscv64",
  21: "powerpc64",
  22: "s390x",
  8: "mips64",
};

/** Names accepted for `elfMachine`, including `uname -m` and `process.arch` spellings. */
const BY_NAME: Record<string, SyscallArch> = {
  x86_64: "x86_64",
  x64: "x86_64",
  amd64: "x86_64",
  i386: "i386",
  i686: "i386",
  x86: "i386",
  ia32: "i386",
  aarch64: "aarch64",
  arm64: "aarch64",
  arm: "arm",
  armv7l: "arm",
  riscv64: "riscv64",
  riscv: "riscv64",
  powerpc64: "powerpc64",
  powerpc64le: "powerpc64",
  ppc64: "powerpc64",
  ppc64le: "powerpc64",
  s390x: "s390x",
  s390: "s390x",
  mips64: "mips64",
  mips64el: "mips64",
  mips: "mips64",
};

/**
 * The table for an ELF e_machine number or an architecture name; the host's
 * (`process.arch`) when `machine` is undefined. Throws TypeError for anything else.
 */
export function syscallArch(machine?: number | string): SyscallArch {
  if (machine === undefined) machine = process.arch;
  if (typeof machine === "number") {
    const a = BY_EM[machine];
    if (!a) throw new TypeError(`elfMachine ${machine} has no syscall table (known: ${Object.keys(BY_EM).join(", ")})`);
    return a;
  }
  if (typeof machine === "string") {
    const a = BY_NAME[machine.toLowerCase()];
    if (!a)
      throw new TypeError(`elfMachine "${machine}" has no syscall table (known: ${Object.keys(BY_NAME).join(", ")})`);
    return a;
  }
  throw new TypeError(`elfMachine must be a number or a string, got ${typeof machine}`);
}
