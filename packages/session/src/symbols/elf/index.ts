export * from "./constants.ts";
export { ElfError, type ElfErrorKind } from "./errors.ts";
export { ElfFile, type ElfHeader, type ElfSection, type ElfSegment, type ElfSymbol, toHex } from "./reader.ts";
