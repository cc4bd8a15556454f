/** Directory-mode recordings (`perf record --threads`): members merged in time order like perf. */
import { expect, test } from "bun:test";
import { fixture, perf, perfkit } from "./helpers/perf.ts";

test("perfkit script on a directory recording matches perf script", () => {
  const want = perf(["script", "-i", fixture("threads.dir")]);
  expect(want.code).toBe(0);
  const got = perfkit(["script", "-i", fixture("threads.dir")]);
  expect(got.stdout).toBe(want.stdout);
  expect(got.stdout.length).toBeGreaterThan(1000);
});
