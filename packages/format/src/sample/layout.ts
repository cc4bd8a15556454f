/** Where each fixed field of a SAMPLE sits for a given attr, computed once per event. */
import type { EventAttr } from "../attr.ts";
import { SampleType as S, SAMPLE_TYPE_KNOWN } from "../constants.ts";

/** The sample_type bits of the fixed-size prefix. */
const FIXED_BITS = S.IDENTIFIER | S.IP | S.TID | S.TIME | S.ADDR | S.ID | S.STREAM_ID | S.CPU | S.PERIOD;

/** Bits set in a 64-bit mask. */
function popcount64(v: bigint): number {
  let n = 0;
  for (let x = BigInt.asUintN(64, v); x; x &= x - 1n) n++;
  return n;
}

/** Offsets (from the record start) of a sample's fixed-size prefix; -1 when absent. */
export class SampleLayout {
  readonly sampleType: number;
  readonly identifier: number;
  readonly ip: number;
  readonly tid: number;
  readonly time: number;
  readonly addr: number;
  readonly id: number;
  readonly streamId: number;
  readonly cpu: number;
  readonly period: number;
  /** First byte after the fixed prefix, where READ/CALLCHAIN/... begin. */
  readonly variableStart: number;
  /**
   * Offset of the callchain when nothing variable precedes it (no READ), else -1: the hot
   * path of callchain readers then needs no field walk at all.
   */
  readonly callchainStatic: number;
  /** sample_type bits of the fields after the fixed prefix (0: the sample ends with it). */
  readonly variableBits: number;
  /** Registers per REGS_USER / REGS_INTR dump (bits set in the attr's masks), counted once. */
  readonly regsUserCount: number;
  readonly regsIntrCount: number;
  /** The attr's sample_period as 32-bit halves (for copies that create no BigInt). */
  readonly samplePeriodLo: number;
  readonly samplePeriodHi: number;
  /** True when the attr has sample_type bits this decoder does not know. */
  readonly hasUnknownBits: boolean;
  /** Offsets of the sample_id trailer fields counted back from the record end (in bytes); 0 when absent. */
  readonly trailerSize: number;
  readonly trailerTid: number;
  readonly trailerTime: number;
  readonly trailerId: number;
  readonly trailerStreamId: number;
  readonly trailerCpu: number;
  readonly trailerIdentifier: number;

  constructor(readonly attr: EventAttr) {
    const t = attr.sampleType;
    this.sampleType = t;
    this.hasUnknownBits = (t & ~SAMPLE_TYPE_KNOWN) !== 0;
    let at = 8;
    const take = (bit: number): number => {
      if (!(t & bit)) return -1;
      const o = at;
      at += 8;
      return o;
    };
    this.identifier = take(S.IDENTIFIER);
    this.ip = take(S.IP);
    this.tid = take(S.TID);
    this.time = take(S.TIME);
    this.addr = take(S.ADDR);
    this.id = take(S.ID);
    this.streamId = take(S.STREAM_ID);
    this.cpu = take(S.CPU);
    this.period = take(S.PERIOD);
    this.variableStart = at;
    this.variableBits = t & ~FIXED_BITS;
    // Hand-built attrs may leave fields out: absent ones count as 0.
    const period = typeof attr.samplePeriod === "bigint" ? attr.samplePeriod : 0n;
    this.samplePeriodLo = Number(BigInt.asUintN(32, period));
    this.samplePeriodHi = Number(BigInt.asUintN(32, period >> 32n));
    this.regsUserCount = t & S.REGS_USER ? popcount64(attr.sampleRegsUser ?? 0n) : 0;
    this.regsIntrCount = t & S.REGS_INTR ? popcount64(attr.sampleRegsIntr ?? 0n) : 0;
    this.callchainStatic = t & S.CALLCHAIN && !(t & S.READ) && !this.hasUnknownBits ? at : -1;
    // sample_id trailer: TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER in that order.
    let n = 0;
    const slots: number[] = [];
    for (const bit of [S.TID, S.TIME, S.ID, S.STREAM_ID, S.CPU, S.IDENTIFIER]) {
      slots.push(t & bit ? n++ : -1);
    }
    const fromEnd = (slot: number): number => (slot < 0 ? -1 : (n - slot) * 8);
    this.trailerSize = attr.sampleIdAll ? n * 8 : 0;
    const on = attr.sampleIdAll;
    this.trailerTid = on ? fromEnd(slots[0]) : -1;
    this.trailerTime = on ? fromEnd(slots[1]) : -1;
    this.trailerId = on ? fromEnd(slots[2]) : -1;
    this.trailerStreamId = on ? fromEnd(slots[3]) : -1;
    this.trailerCpu = on ? fromEnd(slots[4]) : -1;
    this.trailerIdentifier = on ? fromEnd(slots[5]) : -1;
  }
}
