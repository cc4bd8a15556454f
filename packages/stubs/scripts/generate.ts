/** Regenerates the committed snapshot from this machine's tracefs: `bun run --cwd packages/stubs generate`. */
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { generateConstantStubs } from "../src/constant-stubs.ts";
import { GENERATED_DIR, snapshotFromTexts } from "../src/snapshot.ts";
import { generateSyscallStubs } from "../src/syscall-stubs.ts";
import { findTracefs, readTracefsTexts } from "../src/tracefs-formats.ts";

const root = findTracefs();
if (!root) {
  console.error("no tracefs found: mount -t tracefs nodev /sys/kernel/tracing");
  process.exit(1);
}
const texts = readTracefsTexts(root);
// Sorted keys and a fixed mtime keep the gzip byte-identical across runs on the same kernel.
const sorted = Object.fromEntries(Object.entries(texts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(`${GENERATED_DIR}tracefs-formats.json.gz`, gzipSync(JSON.stringify(sorted), { level: 9 }));
writeFileSync(`${GENERATED_DIR}tracepoints.d.ts`, snapshotFromTexts(sorted));
writeFileSync(`${GENERATED_DIR}perf-constants.d.ts`, generateConstantStubs());
writeFileSync(`${GENERATED_DIR}syscalls.d.ts`, generateSyscallStubs());
console.log(`generated ${Object.keys(sorted).length} tracepoints from ${root}`);
