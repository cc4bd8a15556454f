/**
 * Serving a saved profile to profiler.firefox.com the way perf's gecko.py does: a local HTTP
 * server on 127.0.0.1 (a free port) that answers with the file and the CORS header the
 * profiler needs, until SIGINT/SIGTERM.
 */
import { basename } from "node:path";

/** The profiler's origin, allowed to fetch the profile from the local server. */
export const PROFILER_ORIGIN = "https://profiler.firefox.com";

/** Serves `file` until the process is interrupted; prints the URLs to stdout. */
export async function serveOnce(file: string): Promise<void> {
  if (typeof file !== "string" || file === "")
    throw new TypeError(`file must be a non-empty string, got ${typeof file}`);
  const name = `/${basename(file)}`;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      const headers = { "Access-Control-Allow-Origin": PROFILER_ORIGIN, "Cache-Control": "no-store" };
      if (url.pathname !== name) return new Response("not found\n", { status: 404, headers });
      return new Response(Bun.file(file), { headers: { ...headers, "Content-Type": "application/json" } });
    },
  });
  const local = `http://127.0.0.1:${server.port}${name}`;
  process.stdout.write(
    `Serving the profile on ${local}\nOpen ${PROFILER_ORIGIN}/from-url/${encodeURIComponent(local)}\nPress Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  server.stop(true);
}
