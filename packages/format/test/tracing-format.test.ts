import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { checkPrintFmt, FormatParseError, parseEventFormat } from "../src/tracing/index.ts";

const SWITCH = `name: sched_switch
ID: 316
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;
\tfield:long prev_state;\toffset:24;\tsize:8;\tsigned:1;
\tfield:const char * name;\toffset:32;\tsize:8;\tsigned:0;
\tfield:__data_loc char[] filename;\toffset:40;\tsize:4;\tsigned:0;
\tfield:__rel_loc u32[] ids;\toffset:44;\tsize:4;\tsigned:0;
\tfield:unsigned long args[6];\toffset:48;\tsize:48;\tsigned:0;

print fmt: "a=%s b=%ld, c", REC->prev_comm, (REC->prev_state & 3) ? __print_flags(REC->prev_state, "|", { 1, "S" }) : "R"
`;

test("parses names, ids, common and own fields with their flags", () => {
  const f = parseEventFormat(SWITCH, "demo", "sched");
  expect([f.name, f.id, f.system]).toEqual(["sched_switch", 316, "sched"]);
  expect(f.commonFields.map((x) => x.name)).toEqual(["common_type", "common_pid"]);
  expect(f.fields.map((x) => x.name)).toEqual(["prev_comm", "prev_state", "name", "filename", "ids", "args"]);
  const [comm, state, name, filename, ids, args] = f.fields;
  expect(comm).toMatchObject({ type: "char", isArray: true, arrayLen: 16, isString: true, elementSize: 1 });
  expect(state).toMatchObject({ isLong: true, signed: true, isArray: false });
  expect(name).toMatchObject({ isPointer: true, isString: false, type: "const char *" });
  expect(filename).toMatchObject({ isDataLoc: true, isString: true, isArray: true, arrayLen: 0 });
  expect(ids).toMatchObject({ isRelLoc: true, isString: false, elementSize: 4 });
  expect(args).toMatchObject({ arrayLen: 6, elementSize: 8, isLong: true, declaration: "unsigned long args[6]" });
  expect(f.printFmt).toBe("a=%s b=%ld, c");
  expect(f.printArgs.length).toBe(2);
  expect(checkPrintFmt(f)).toBeUndefined();
});

test("a malformed line names the source and the line number", () => {
  const bad = SWITCH.replace("\tfield:long prev_state;\toffset:24;", "\tfield:long prev_state;\toffset:zz;");
  let err: unknown;
  try {
    parseEventFormat(bad, "/x/sched_switch/format");
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FormatParseError);
  expect((err as FormatParseError).line).toBe(8);
  expect((err as Error).message).toMatch(/^\/x\/sched_switch\/format:8: malformed field line/);
  expect(() => parseEventFormat(SWITCH.replace("ID: 316", "ID: x"))).toThrow(/<format>:2: bad ID/);
  expect(() => parseEventFormat(42 as unknown as string)).toThrow(TypeError);
});

const TRACEFS = ["/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events"].find((d) => existsSync(d));

test.skipIf(!TRACEFS)("every format file of this machine's tracefs parses", () => {
  const root = TRACEFS as string;
  let parsed = 0;
  let fmtOk = 0;
  for (const system of readdirSync(root, { withFileTypes: true })) {
    if (!system.isDirectory()) continue;
    for (const ev of readdirSync(`${root}/${system.name}`, { withFileTypes: true })) {
      const path = `${root}/${system.name}/${ev.name}/format`;
      if (!ev.isDirectory() || !existsSync(path)) continue;
      const f = parseEventFormat(readFileSync(path, "utf8"), path, system.name);
      parsed++;
      if (!checkPrintFmt(f)) fmtOk++;
    }
  }
  expect(parsed).toBeGreaterThan(2000);
  // Statement expressions "({ ...; })" are beyond libtraceevent too; nearly all others parse.
  expect(fmtOk / parsed).toBeGreaterThan(0.99);
});
