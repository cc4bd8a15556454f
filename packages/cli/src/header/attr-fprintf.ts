/**
 * `perf_event_attr__fprintf` as perf 6.1 prints it (util/perf_event_attr_fprintf.c): every
 * non-zero field, in perf's order, as `, name = value`. 6.1 prints `type` as a bare number
 * and `config` in hex (type names such as "(PERF_TYPE_SOFTWARE)" arrived in later perfs).
 */
import type { EventAttr } from "@perfkit/format";

type BitNames = readonly (readonly [number, string])[];

const bits = (names: string[]): BitNames => names.map((n, i) => [2 ** i, n] as const);

// Table order, not bit order: perf lists IDENTIFIER before REGS_INTR and DATA_SRC.
const SAMPLE_TYPE_NAMES: BitNames = [
  [1 << 0, "IP"],
  [1 << 1, "TID"],
  [1 << 2, "TIME"],
  [1 << 3, "ADDR"],
  [1 << 4, "READ"],
  [1 << 5, "CALLCHAIN"],
  [1 << 6, "ID"],
  [1 << 7, "CPU"],
  [1 << 8, "PERIOD"],
  [1 << 9, "STREAM_ID"],
  [1 << 10, "RAW"],
  [1 << 11, "BRANCH_STACK"],
  [1 << 12, "REGS_USER"],
  [1 << 13, "STACK_USER"],
  [1 << 16, "IDENTIFIER"],
  [1 << 18, "REGS_INTR"],
  [1 << 15, "DATA_SRC"],
  [1 << 14, "WEIGHT"],
  [1 << 19, "PHYS_ADDR"],
  [1 << 20, "AUX"],
  [1 << 21, "CGROUP"],
  [1 << 22, "DATA_PAGE_SIZE"],
  [1 << 23, "CODE_PAGE_SIZE"],
  [1 << 24, "WEIGHT_STRUCT"],
];

const BRANCH_SAMPLE_NAMES = bits([
  "USER",
  "KERNEL",
  "HV",
  "ANY",
  "ANY_CALL",
  "ANY_RETURN",
  "IND_CALL",
  "ABORT_TX",
  "IN_TX",
  "NO_TX",
  "COND",
  "CALL_STACK",
  "IND_JUMP",
  "CALL",
  "NO_FLAGS",
  "NO_CYCLES",
  "TYPE_SAVE",
  "HW_INDEX",
  "PRIV_SAVE",
]);

const READ_FORMAT_NAMES = bits(["TOTAL_TIME_ENABLED", "TOTAL_TIME_RUNNING", "ID", "GROUP", "LOST"]);

/** The flag bits perf 6.1 prints, in its order, with perf's spelling. */
const FLAGS: readonly (readonly [keyof EventAttr, string])[] = [
  ["disabled", "disabled"],
  ["inherit", "inherit"],
  ["pinned", "pinned"],
  ["exclusive", "exclusive"],
  ["excludeUser", "exclude_user"],
  ["excludeKernel", "exclude_kernel"],
  ["excludeHv", "exclude_hv"],
  ["excludeIdle", "exclude_idle"],
  ["mmap", "mmap"],
  ["comm", "comm"],
  ["freq", "freq"],
  ["inheritStat", "inherit_stat"],
  ["enableOnExec", "enable_on_exec"],
  ["task", "task"],
  ["watermark", "watermark"],
  ["preciseIp", "precise_ip"],
  ["mmapData", "mmap_data"],
  ["sampleIdAll", "sample_id_all"],
  ["excludeHost", "exclude_host"],
  ["excludeGuest", "exclude_guest"],
  ["excludeCallchainKernel", "exclude_callchain_kernel"],
  ["excludeCallchainUser", "exclude_callchain_user"],
  ["mmap2", "mmap2"],
  ["commExec", "comm_exec"],
  ["useClockid", "use_clockid"],
  ["contextSwitch", "context_switch"],
  ["writeBackward", "write_backward"],
  ["namespaces", "namespaces"],
  ["ksymbol", "ksymbol"],
  ["bpfEvent", "bpf_event"],
  ["auxOutput", "aux_output"],
  ["cgroup", "cgroup"],
  ["textPoke", "text_poke"],
  ["buildId", "build_id"],
  ["inheritThread", "inherit_thread"],
  ["removeOnExec", "remove_on_exec"],
  ["sigtrap", "sigtrap"],
];

function bitList(value: number, names: BitNames): string {
  return names
    .filter(([bit]) => (value & bit) !== 0)
    .map(([, n]) => n)
    .join("|");
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** The `name = value` pairs perf 6.1 prints for an attr, in order (zero fields are left out). */
export function attrFields(attr: EventAttr): [string, string][] {
  const out: [string, string][] = [];
  const add = (name: string, v: bigint | number | boolean, fmt: (v: bigint | number) => string = String): void => {
    const n = typeof v === "boolean" ? Number(v) : v;
    if (n !== 0 && n !== 0n) out.push([name, fmt(n)]);
  };
  add("type", attr.type);
  add("size", attr.size);
  add("config", attr.config, hex);
  add("{ sample_period, sample_freq }", attr.samplePeriod);
  add("sample_type", attr.sampleType, (v) => bitList(Number(v), SAMPLE_TYPE_NAMES));
  add("read_format", attr.readFormat, (v) => bitList(Number(v), READ_FORMAT_NAMES));
  for (const [key, name] of FLAGS) add(name, attr[key] as boolean | number);
  add("{ wakeup_events, wakeup_watermark }", attr.wakeupEvents);
  add("bp_type", attr.bpType);
  add("{ bp_addr, config1 }", attr.config1, hex);
  add("{ bp_len, config2 }", attr.config2, hex);
  add("branch_sample_type", attr.branchSampleType, (v) => bitList(Number(v), BRANCH_SAMPLE_NAMES));
  add("sample_regs_user", attr.sampleRegsUser, hex);
  add("sample_stack_user", attr.sampleStackUser);
  add("clockid", attr.clockid);
  add("sample_regs_intr", attr.sampleRegsIntr, hex);
  add("aux_watermark", attr.auxWatermark);
  add("sample_max_stack", attr.sampleMaxStack);
  add("aux_sample_size", attr.auxSampleSize);
  add("sig_data", attr.sigData);
  return out;
}

/**
 * perf 6.1's `perf_attr_check`: attrs with reserved bits or sample/read/branch bits newer than
 * 6.1 make it refuse the whole EVENT_DESC section.
 */
export function attrPassesPerf61Check(attr: EventAttr): boolean {
  if (attr.deferCallchain || attr.deferOutput || attr.auxAction !== 0) return false;
  if (attr.sampleType >= 1 << 25) return false;
  if (attr.readFormat >= 1 << 5) return false;
  if (attr.sampleType & (1 << 11) && attr.branchSampleType >= 1 << 19) return false;
  return true;
}
