/** Opening the `-i` input of a profile command and checking its `-e` choice. */
import { type Evsel, PerfData, Session } from "@perfkit/session";
import { FrameTable } from "./_frames.ts";
import { Progress } from "./_progress.ts";
import { StackTable } from "./_stacks.ts";
import { countStacks, type StackCounter, type WalkedSample, type WalkOptions, walkSamples } from "./_walk.ts";

/** The options every profile command reads: `-i FILE`, `-o FILE` and `-e EVENT`. */
export const PROFILE_OPTIONS = {
  input: { type: "string", short: "i" },
  output: { type: "string", short: "o" },
  event: { type: "string", short: "e" },
} as const;

/** An input error worth one line on the terminal (status 1). */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** What a profile command reads: the recording, its session and the frame table. */
export interface ProfileSource {
  readonly data: PerfData;
  readonly session: Session;
  readonly frames: FrameTable;
  /** Distinct stacks of the walk. */
  readonly stacks: StackTable;
  /** Event names of the recording known before reading (pipe mode: those of its header). */
  readonly eventNames: string[];
  [Symbol.dispose](): void;
}

/** Opens `path` (default perf.data, `-` stdin) and checks that `event` (when given) is recorded. */
export function openSource(path: string | undefined, event: string | undefined): ProfileSource {
  if (path !== undefined && typeof path !== "string") throw new TypeError(`path must be a string, got ${typeof path}`);
  const data = new PerfData({ path: path ?? "perf.data" });
  let session: Session;
  try {
    session = new Session(data);
  } catch (e) {
    data.close();
    throw e;
  }
  const eventNames: string[] = [];
  {
    using list = session.evlist;
    for (const e of list) eventNames.push(e.name);
  }
  if (event !== undefined && !data.isPipe && !eventNames.includes(event)) {
    session.close();
    data.close();
    throw new InputError(`event '${event}' is not in ${data.path} (events: ${eventNames.join(", ")})`);
  }
  return {
    data,
    session,
    frames: new FrameTable(),
    stacks: new StackTable(),
    eventNames,
    [Symbol.dispose]() {
      session.close();
      data.close();
    },
  };
}

/**
 * Counts the source's samples into the counters `countersOf` picks per event (see
 * {@link countStacks}), with a progress meter on a terminal; checks `-e` again for pipes.
 */
export function count(
  src: ProfileSource,
  label: string,
  options: WalkOptions,
  countersOf: (e: Evsel) => readonly StackCounter[],
): void {
  const seen = countStacks(
    src.session,
    src.frames,
    src.stacks,
    options,
    countersOf,
    Progress.forStderr(label, src.data.path),
  );
  checkEventSeen(src, options, seen);
}

/** Walks the source's samples with a progress meter on a terminal; checks `-e` again for pipes. */
export function walk(
  src: ProfileSource,
  label: string,
  options: WalkOptions,
  onSample: (s: WalkedSample) => void,
): void {
  const seen = walkSamples(
    src.session,
    src.frames,
    src.stacks,
    options,
    onSample,
    Progress.forStderr(label, src.data.path),
  );
  checkEventSeen(src, options, seen);
}

/** A pipe's events are known only after reading it: `-e` naming none of them is an input error. */
function checkEventSeen(src: ProfileSource, options: WalkOptions, seen: Set<string>): void {
  if (options.event !== null && !seen.has(options.event) && !src.eventNames.includes(options.event)) {
    throw new InputError(`event '${options.event}' is not in ${src.data.path} (events: ${[...seen].join(", ")})`);
  }
}
