/**
 * The fixed-size numeric features: NRCPUS, TOTAL_MEM, SAMPLE_TIME, CLOCKID, DIR_FORMAT,
 * COMPRESSED and CLOCK_DATA, plus the payload-less flags BRANCH_STACK and STAT.
 */
import type { FeatureReader } from "./reader.ts";
import type {
  ClockDataFeature,
  ClockidFeature,
  CompressedFeature,
  DirFormatFeature,
  FlagFeature,
  NrCpusFeature,
  SampleTimeFeature,
  TotalMemFeature,
} from "./types.ts";

/** NRCPUS: `u32 nr_cpus_avail; u32 nr_cpus_online` (avail first, as the code writes it). */
export function decodeNrCpus(r: FeatureReader): NrCpusFeature {
  const nrCpusAvail = r.u32("nr_cpus_avail");
  const nrCpusOnline = r.u32("nr_cpus_online");
  return { feature: "NRCPUS", nrCpusAvail, nrCpusOnline };
}

/** TOTAL_MEM: `u64` kilobytes. */
export function decodeTotalMem(r: FeatureReader): TotalMemFeature {
  return { feature: "TOTAL_MEM", kB: r.u64("total_mem") };
}

/** SAMPLE_TIME: `u64 first; u64 last`. */
export function decodeSampleTime(r: FeatureReader): SampleTimeFeature {
  const firstSampleTime = r.u64("first_sample_time");
  const lastSampleTime = r.u64("last_sample_time");
  return { feature: "SAMPLE_TIME", firstSampleTime, lastSampleTime };
}

/** CLOCKID: `u64` clock resolution in ns. */
export function decodeClockid(r: FeatureReader): ClockidFeature {
  return { feature: "CLOCKID", resolutionNs: r.u64("clockid_res_ns") };
}

/** DIR_FORMAT: `u64 version`. */
export function decodeDirFormat(r: FeatureReader): DirFormatFeature {
  return { feature: "DIR_FORMAT", version: r.u64("dir version") };
}

/** COMPRESSED: five u32 (version, type, level, ratio, mmap_len). */
export function decodeCompressed(r: FeatureReader): CompressedFeature {
  const version = r.u32("comp_ver");
  const type = r.u32("comp_type");
  const level = r.u32("comp_level");
  const ratio = r.u32("comp_ratio");
  const mmapLen = r.u32("comp_mmap_len");
  return { feature: "COMPRESSED", version, type, level, ratio, mmapLen };
}

/** CLOCK_DATA: `u32 version; u32 clockid; u64 tod_ns; u64 clockid_ns`. */
export function decodeClockData(r: FeatureReader): ClockDataFeature {
  const version = r.u32("version");
  const clockid = r.u32("clockid");
  const todNs = r.u64("tod_ns");
  const clockidNs = r.u64("clockid_ns");
  return { feature: "CLOCK_DATA", version, clockid, todNs, clockidNs };
}

/** BRANCH_STACK / STAT: presence only. */
export function decodeFlag(feature: FlagFeature["feature"]): FlagFeature {
  return { feature };
}
