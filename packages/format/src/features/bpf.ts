/**
 * BPF_PROG_INFO (`u32 count;` per program `u32 info_len; u32 data_len; u64 arrays;
 * info[info_len]; data[data_len]`) and BPF_BTF (`u32 count;` per entry `u32 id;
 * u32 data_size; data[data_size]`). The kernel structs inside stay opaque bytes.
 */
import type { FeatureReader } from "./reader.ts";
import type { BpfBtfFeature, BpfProgInfo, BpfProgInfoFeature } from "./types.ts";

/** Decodes BPF_PROG_INFO. */
export function decodeBpfProgInfo(r: FeatureReader): BpfProgInfoFeature {
  const count = r.u32("count");
  r.needEntries(count, 16, "programs");
  const programs: BpfProgInfo[] = [];
  for (let i = 0; i < count; i++) {
    const infoLen = r.u32("info_len");
    const dataLen = r.u32("data_len");
    const arrays = r.u64("arrays");
    const info = r.take(infoLen, "bpf_prog_info");
    const data = r.take(dataLen, "bpf_prog_info data");
    programs.push({ infoLen, dataLen, arrays, info, data });
  }
  return { feature: "BPF_PROG_INFO", programs };
}

/** Decodes BPF_BTF. */
export function decodeBpfBtf(r: FeatureReader): BpfBtfFeature {
  const count = r.u32("count");
  r.needEntries(count, 8, "btf entries");
  const entries: BpfBtfFeature["entries"] = [];
  for (let i = 0; i < count; i++) {
    const id = r.u32("btf id");
    const size = r.u32("btf data_size");
    entries.push({ id, data: r.take(size, "btf data") });
  }
  return { feature: "BPF_BTF", entries };
}
