/** Paths of the recorded fixtures shared by the format tests. */
import { readdirSync } from "node:fs";
import { join } from "node:path";

export const FIXTURES = join(import.meta.dir, "..", "..", "..", "tests", "fixtures");

/** Fixture file names, optionally only file-mode or pipe-mode ones. */
export function fixtureNames(filter: (name: string) => boolean = () => true): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".data") && filter(f))
    .sort();
}

export const fixturePath = (name: string) => join(FIXTURES, name);
export const isPipe = (name: string) => name.startsWith("pipe");
