import { describe, expect, test } from "bun:test";
import {
  closeFd,
  ERRNO,
  errnoName,
  iocEnable,
  iocId,
  PERF_EVENT_IOC,
  PerfSyscallError,
  perfEventOpen,
  perfEventOpenNr,
  RingBuffer,
} from "@perfkit/core-ffi";

describe("PerfSyscallError", () => {
  test("EACCES and EPERM (simulated errno) say what to do about perf_event_paranoid", () => {
    for (const err of [ERRNO.EACCES, ERRNO.EPERM]) {
      const e = new PerfSyscallError(err, { op: "perf_event_open", event: "cpu-clock", pid: -1, cpu: 0 });
      expect(e.errno).toBe(err);
      expect(e.code).toBe(err === 13 ? "EACCES" : "EPERM");
      expect(e.message).toContain("perf_event_open failed for event 'cpu-clock', pid -1, cpu 0");
      expect(e.message).toContain("/proc/sys/kernel/perf_event_paranoid (now ");
      expect(e.message).toContain("CAP_PERFMON");
    }
  });

  test("a real EACCES: an unprivileged user opening a system-wide event", () => {
    const script = `${import.meta.dir}/../src/index.ts`;
    const code = `import { perfEventOpen } from ${JSON.stringify(script)};
      try { perfEventOpen({ type: 1, config: 0n }, -1, 0); console.log("opened"); } catch (e) { console.log(e.code); console.log(e.message); }`;
    const r = Bun.spawnSync(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bun", "-e", code], {
      env: { ...process.env, HOME: "/tmp" },
      stderr: "pipe",
    });
    if (r.exitCode !== 0 && r.stdout.length === 0) {
      console.warn(`skipping: cannot run bun as nobody (${r.stderr.toString().trim()})`);
      return;
    }
    const [codeName, message] = r.stdout.toString().split("\n");
    expect(codeName).toBe("EACCES");
    expect(message).toContain("perf_event_paranoid");
  });

  test("errno names, ENOENT advice by event kind", () => {
    expect(errnoName(22)).toBe("EINVAL");
    expect(errnoName(7)).toBe("E2BIG");
    expect(errnoName(95)).toBe("EOPNOTSUPP");
    expect(errnoName(4242)).toBe("E4242");
    expect(new PerfSyscallError(2, { op: "perf_event_open", attrType: 0 }).message).toContain("no hardware PMU");
    expect(new PerfSyscallError(2, { op: "perf_event_open", attrType: 2 }).message).toContain("does not exist");
    expect(new PerfSyscallError(24, { op: "perf_event_open" }).message).toContain("ulimit -n");
  });

  test("real failures carry errno and code", () => {
    try {
      perfEventOpen({ type: 1, config: 0n }, 0x7ffffff0, -1);
      throw new Error("expected ESRCH");
    } catch (e) {
      expect(e).toBeInstanceOf(PerfSyscallError);
      expect((e as PerfSyscallError).code).toBe("ESRCH");
    }
    expect(() => perfEventOpen({ type: 1, config: 0n }, 0, 4096)).toThrow(/EINVAL|ENODEV|ENXIO/);
    expect(() => iocEnable(1_000_000)).toThrow(/PERF_EVENT_IOC_ENABLE.*EBADF/);
    expect(() => closeFd(1_000_000)).toThrow(/EBADF/);
  });

  test("bad argument types throw TypeError naming the argument", () => {
    expect(() => perfEventOpen(null as never, 0, -1)).toThrow(/attr must be an object/);
    expect(() => perfEventOpen({}, "0" as never, -1)).toThrow(/pid must be/);
    expect(() => perfEventOpen({}, 0, -2)).toThrow(/cpu must be/);
    expect(() => perfEventOpen({}, 0, -1, 1.5)).toThrow(/groupFd must be/);
    expect(() => RingBuffer.map(3, 3)).toThrow(/pages must be a power of two/);
    expect(() => iocEnable(-1)).toThrow(TypeError);
  });
});

describe("syscall and ioctl numbers", () => {
  test("perf_event_open per architecture", () => {
    expect(perfEventOpenNr("x64")).toBe(298);
    expect(perfEventOpenNr("arm64")).toBe(241);
    expect(perfEventOpenNr("riscv64")).toBe(241);
    expect(() => perfEventOpenNr("vax")).toThrow(/unknown syscall number/);
  });

  test("ioctl request numbers follow _IOC encoding", () => {
    const IOC: Readonly<Record<string, number>> = PERF_EVENT_IOC;
    const ioc = (dir: number, nr: number, size: number) => ((dir << 30) | (size << 16) | (0x24 << 8) | nr) >>> 0;
    expect(IOC.ENABLE).toBe(ioc(0, 0, 0));
    expect(IOC.PERIOD).toBe(ioc(1, 4, 8));
    expect(IOC.SET_FILTER).toBe(ioc(1, 6, 8));
    expect(IOC.ID).toBe(ioc(2, 7, 8));
    expect(IOC.PAUSE_OUTPUT).toBe(ioc(1, 9, 4));
    expect(IOC.QUERY_BPF).toBe(ioc(3, 10, 8));
    const fd = perfEventOpen({ type: 1, config: 9n }, 0, -1);
    try {
      expect(iocId(fd)).toBeGreaterThan(0n);
    } finally {
      closeFd(fd);
    }
  });
});
