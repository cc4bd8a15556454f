/**
 * BUILD_ID (§17.1): build-id entries back to back until the section ends. Each entry is
 * advanced by its own header.size, which covers every historical padding scheme (64-byte
 * aligned names, ALIGN(36+len+1, 8), 36+ALIGN(len+1, 8)).
 */
import type { FeatureReader } from "./reader.ts";
import { cString } from "./reader.ts";
import type { BuildIdEntry, BuildIdFeature } from "./types.ts";

const MODERN_FIXED = 36; // header 8 + pid 4 + build_id 20 + size 1 + reserved 3
const LEGACY_FIXED = 32; // header 8 + build_id padded to 24, no pid
const BUILD_ID_SIZE_BIT = 1 << 15;
const GUEST_KERNEL = 4;
const GUEST_USER = 5;

/** Decodes the whole BUILD_ID section. */
export function decodeBuildIds(r: FeatureReader): BuildIdFeature {
  const start = r.pos;
  const entries = readEntries(r, false);
  // Pre-2010 perf had no pid: the kernel entry's name then starts 4 bytes late.
  if (entries.length > 0 && entries[0].filename.startsWith("nel.kallsyms]")) {
    r.pos = start;
    return { feature: "BUILD_ID", entries: readEntries(r, true), legacyLayout: true };
  }
  return { feature: "BUILD_ID", entries, legacyLayout: false };
}

function readEntries(r: FeatureReader, legacy: boolean): BuildIdEntry[] {
  const fixed = legacy ? LEGACY_FIXED : MODERN_FIXED;
  const entries: BuildIdEntry[] = [];
  while (r.remaining > 0) {
    const at = r.pos;
    r.u32("entry type"); // 0 in the feature section, 67 in records: not meaningful here
    const misc = r.u16("entry misc");
    const size = r.u16("entry size");
    if (size < fixed) r.fail(`build-id entry size ${size} is below ${fixed}`, at);
    if (size - 8 > r.remaining) r.fail(`build-id entry size ${size} runs past the section end`, at);
    let pid: number;
    if (legacy) pid = misc === GUEST_KERNEL || misc === GUEST_USER ? 0 : -1;
    else pid = r.s32("pid");
    const raw = r.take(20, "build_id");
    let hasSize = false;
    let len: number;
    if (legacy) {
      r.take(4, "build_id padding");
      len = stripZeroWords(raw);
    } else {
      const sizeByte = r.u8("build_id size");
      r.take(3, "reserved");
      hasSize = (misc & BUILD_ID_SIZE_BIT) !== 0;
      len = hasSize ? Math.min(sizeByte, 20) : stripZeroWords(raw);
    }
    const filename = cString(r.take(at + size - r.pos, "filename"));
    const buildId = raw.slice(0, len);
    entries.push({ misc, cpumode: misc & 7, pid, buildId, hex: toHex(buildId), hasSize, filename });
  }
  return entries;
}

/** Length of `id` without trailing all-zero 4-byte groups. */
function stripZeroWords(id: Uint8Array): number {
  let len = id.length;
  while (len >= 4 && id[len - 1] === 0 && id[len - 2] === 0 && id[len - 3] === 0 && id[len - 4] === 0) len -= 4;
  return len;
}

/** Lower-case hex of a byte array. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
