/**
 * Encodes typed record objects (the same shapes the decoder returns) back into record bytes,
 * in either byte order. Used to build test inputs this machine cannot record and to
 * round-trip real files.
 */
import { type EventAttr, encodeAttr } from "../attr.ts";
import { Misc, RecordType } from "../constants.ts";
import type { KernelRecord } from "../records/kernel.ts";
import type { UserRecord } from "../records/user.ts";
import { ByteWriter } from "./byte-writer.ts";
import { writeRead, writeSampleId } from "./sample-encoder.ts";

function hexBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function cpuMapBytes(w: ByteWriter, cpus: number[]): void {
  w.u16(0).u16(cpus.length);
  for (const c of cpus) w.u16(c < 0 ? 0xffff : c);
}

/**
 * Encodes a kernel side-band record for an event with `attr` (its sample_id trailer included).
 * `baseMisc` carries bits the typed object does not hold (cpumode, MMAP_DATA); bits implied by
 * the object (COMM_EXEC, SWITCH_OUT, MMAP_BUILD_ID) are added.
 */
export function encodeKernelRecord(
  rec: KernelRecord,
  attr: EventAttr | undefined,
  le: boolean,
  baseMisc = 0,
): Uint8Array {
  const w = new ByteWriter(le);
  let misc = baseMisc;
  w.u32(RecordType[rec.kind]).u16(0).u16(0);
  switch (rec.kind) {
    case "MMAP":
      w.i32(rec.pid).i32(rec.tid).u64(rec.start).u64(rec.len).u64(rec.pgoff).cstr(rec.filename);
      break;
    case "MMAP2":
      w.i32(rec.pid).i32(rec.tid).u64(rec.start).u64(rec.len).u64(rec.pgoff);
      if (rec.buildId !== undefined) {
        misc |= Misc.MMAP_BUILD_ID;
        const id = hexBytes(rec.buildId);
        w.u8(id.length).u8(0).u16(0).bytes(id);
        for (let i = id.length; i < 20; i++) w.u8(0);
      } else {
        w.u32(rec.maj ?? 0)
          .u32(rec.min ?? 0)
          .u64(rec.ino ?? 0n)
          .u64(rec.inoGeneration ?? 0n);
      }
      w.u32(rec.prot).u32(rec.flags).cstr(rec.filename);
      break;
    case "COMM":
      if (rec.exec) misc |= Misc.COMM_EXEC;
      w.i32(rec.pid).i32(rec.tid).cstr(rec.comm);
      break;
    case "EXIT":
    case "FORK":
      w.i32(rec.pid).i32(rec.ppid).i32(rec.tid).i32(rec.ptid).u64(rec.time);
      break;
    case "LOST":
      w.u64(rec.id).u64(rec.lost);
      break;
    case "THROTTLE":
    case "UNTHROTTLE":
      w.u64(rec.time).u64(rec.id).u64(rec.streamId);
      break;
    case "READ":
      w.i32(rec.pid).i32(rec.tid);
      writeRead(w, attr?.readFormat ?? 0, rec.values);
      break;
    case "AUX":
      w.u64(rec.auxOffset).u64(rec.auxSize).u64(rec.flags);
      break;
    case "ITRACE_START":
      w.i32(rec.pid).i32(rec.tid);
      break;
    case "LOST_SAMPLES":
      w.u64(rec.lost);
      break;
    case "SWITCH":
    case "SWITCH_CPU_WIDE":
      if (rec.switchOut) misc |= Misc.SWITCH_OUT;
      if (rec.preempt) misc |= Misc.SWITCH_OUT_PREEMPT;
      if (rec.kind === "SWITCH_CPU_WIDE") w.i32(rec.nextPrevPid ?? 0).i32(rec.nextPrevTid ?? 0);
      break;
    case "NAMESPACES":
      w.i32(rec.pid).i32(rec.tid).u64(rec.namespaces.length);
      for (const ns of rec.namespaces) w.u64(ns.dev).u64(ns.inode);
      break;
    case "KSYMBOL":
      w.u64(rec.addr).u32(rec.len).u16(rec.ksymType).u16(rec.flags).cstr(rec.name);
      break;
    case "BPF_EVENT":
      w.u16(rec.bpfType)
        .u16(rec.flags)
        .u32(rec.id)
        .bytes(hexBytes(rec.tag.padEnd(16, "0")));
      break;
    case "CGROUP":
      w.u64(rec.id).cstr(rec.path);
      break;
    case "TEXT_POKE":
      w.u64(rec.addr).u16(rec.oldBytes.length).u16(rec.newBytes.length).bytes(rec.oldBytes).bytes(rec.newBytes).pad(8);
      break;
    case "AUX_OUTPUT_HW_ID":
      w.u64(rec.hwId);
      break;
    case "CALLCHAIN_DEFERRED":
      w.u64(rec.cookie).u64(rec.ips.length);
      for (const ip of rec.ips) w.u64(ip);
      break;
  }
  if (attr) writeSampleId(w, attr, rec.sampleId);
  w.patchU16(4, misc);
  w.patchU16(6, w.length);
  return w.finish();
}

/** Encodes a perf-tool record. AUXTRACE and HEADER_TRACING_DATA include their trailing payload. */
export function encodeUserRecord(rec: UserRecord, le: boolean, misc = 0): Uint8Array {
  const w = new ByteWriter(le);
  w.u32(RecordType[rec.kind]).u16(misc).u16(0);
  let payload: Uint8Array | undefined;
  switch (rec.kind) {
    case "HEADER_ATTR":
      w.bytes(encodeAttr(rec.attr, rec.attr.size || 136, le));
      for (const id of rec.ids) w.u64(id);
      break;
    case "HEADER_EVENT_TYPE":
      w.u64(rec.eventId);
      w.cstr(rec.name, 64);
      break;
    case "HEADER_TRACING_DATA": {
      const padded = Math.ceil(rec.data.length / 8) * 8;
      w.u32(padded).u32(0);
      payload = new Uint8Array(padded);
      payload.set(rec.data);
      break;
    }
    case "HEADER_BUILD_ID": {
      const id = hexBytes(rec.buildId);
      w.i32(rec.pid).bytes(id);
      for (let i = id.length; i < 20; i++) w.u8(0);
      w.u8(id.length).u8(0).u16(0).cstr(rec.filename);
      w.patchU16(4, misc | Misc.BUILD_ID_SIZE | rec.cpumode);
      break;
    }
    case "FINISHED_ROUND":
    case "FINISHED_INIT":
      break;
    case "ID_INDEX":
      w.u64(rec.entries.length);
      for (const e of rec.entries) w.u64(e.id).u64(e.idx).u64(e.cpu).u64(e.tid);
      break;
    case "AUXTRACE_INFO":
      w.u32(rec.auxType).u32(0);
      for (const p of rec.priv) w.u64(p);
      break;
    case "AUXTRACE":
      w.u64(rec.data.length).u64(rec.offset).u64(rec.reference).u32(rec.idx).u32(rec.tid).u32(rec.cpu).u32(0);
      payload = rec.data;
      break;
    case "AUXTRACE_ERROR": {
      w.u32(rec.errType).u32(rec.code).u32(rec.cpu).i32(rec.pid).i32(rec.tid).u32(rec.fmt).u64(rec.ip);
      if (rec.fmt >= 1) w.u64(rec.time ?? 0n);
      const msg = new TextEncoder().encode(rec.msg).subarray(0, 63);
      w.bytes(msg);
      for (let i = msg.length; i < 64; i++) w.u8(0);
      if (rec.fmt >= 2) w.u32(rec.machinePid ?? 0).u32(rec.vcpu ?? 0);
      break;
    }
    case "THREAD_MAP":
      w.u64(rec.threads.length);
      for (const t of rec.threads) {
        w.u64(t.pid);
        const c = new TextEncoder().encode(t.comm).subarray(0, 15);
        w.bytes(c);
        for (let i = c.length; i < 16; i++) w.u8(0);
      }
      break;
    case "CPU_MAP":
      cpuMapBytes(w, rec.cpus);
      w.pad(8);
      break;
    case "STAT_CONFIG":
      w.u64(rec.entries.length);
      for (const e of rec.entries) w.u64(e.tag).u64(e.val);
      break;
    case "STAT":
      w.u64(rec.id).u32(rec.cpu).u32(rec.thread).u64(rec.val).u64(rec.ena).u64(rec.run);
      break;
    case "STAT_ROUND":
      w.u64(rec.statRoundType).u64(rec.time);
      break;
    case "EVENT_UPDATE":
      w.u64(rec.updateType).u64(rec.id);
      if (rec.updateType === 0) w.cstr(rec.unit ?? "");
      else if (rec.updateType === 1) w.f64(rec.scale ?? 1);
      else if (rec.updateType === 2) w.cstr(rec.name ?? "");
      else if (rec.updateType === 3) {
        cpuMapBytes(w, rec.cpus ?? []);
        w.pad(8);
      }
      break;
    case "TIME_CONV":
      w.u64(rec.timeShift).u64(rec.timeMult).u64(rec.timeZero);
      if (rec.timeCycles !== undefined) {
        w.u64(rec.timeCycles)
          .u64(rec.timeMask ?? 0n)
          .u8(rec.capUserTimeZero ? 1 : 0)
          .u8(rec.capUserTimeShort ? 1 : 0);
        w.pad(8);
      }
      break;
    case "HEADER_FEATURE":
      w.u64(rec.featId).bytes(rec.data);
      break;
    case "COMPRESSED":
      w.bytes(rec.data);
      break;
    case "COMPRESSED2":
      w.u64(rec.data.length).bytes(rec.data).pad(8);
      break;
    case "BPF_METADATA":
      w.cstr(rec.progName, 512);
      w.u64(rec.entries.length);
      for (const e of rec.entries) w.cstr(e.key, 64).cstr(e.value, 256);
      break;
    case "SCHEDSTAT_CPU":
    case "SCHEDSTAT_DOMAIN":
      w.bytes(rec.body);
      break;
  }
  if (w.length > 0xffff) throw new RangeError(`${rec.kind} record of ${w.length} bytes exceeds the 64 KiB limit`);
  w.patchU16(6, w.length);
  if (payload) w.bytes(payload);
  return w.finish();
}
