export { type SyscallArch, syscallArch } from "./machines.ts";
export { type SyscallOptions, syscallId, syscallName, syscallTable } from "./syscalls.ts";
