// Closed-loop load on one HTTP endpoint: `connections` clients over an undici Pool with as many
// keep-alive connections, each sending its next request when the last is answered, for `seconds`.
// undici (not fetch, not http.Agent) keeps the load generator's own CPU per request low: on a
// two-core machine it shares the cores with the gateway it measures.
import { Pool } from 'undici';

export interface LoadOptions {
  /** e.g. http://127.0.0.1:4000 */
  origin: string;
  path: string;
  connections: number;
  seconds: number;
  /** The body client `i` sends next. */
  body: (client: number) => string;
  /** Extra headers of client `i` (an Authorization header, say). */
  headers?: (client: number) => Record<string, string> | undefined;
  /** Why an answer is wrong, or undefined when it is right. */
  check: (status: number, text: string) => string | undefined;
}

export interface LoadResult {
  /** Requests that got an HTTP answer. */
  answered: number;
  /** Answers that passed `check`. */
  ok: number;
  /** Requests without an HTTP answer (connection errors, timeouts). */
  network: number;
  /** Answers that failed `check`. */
  wrong: number;
  elapsedMs: number;
  /** Client-side latency of each ok answer, ms. */
  latencies: number[];
  /** Up to three examples of what went wrong. */
  samples: string[];
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(o.origin, { connections: o.connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const r: LoadResult = { answered: 0, ok: 0, network: 0, wrong: 0, elapsedMs: 0, latencies: [], samples: [] };
  const note = (s: string) => {
    if (r.samples.length < 3) r.samples.push(s.slice(0, 400));
  };
  const t0 = performance.now();
  const deadline = t0 + o.seconds * 1000;
  try {
    await Promise.all(Array.from({ length: o.connections }, async (_, client) => {
      const headers = { 'content-type': 'application/json', ...o.headers?.(client) };
      while (performance.now() < deadline) {
        const sent = performance.now();
        let status: number;
        let text: string;
        try {
          const res = await pool.request({ path: o.path, method: 'POST', headers, body: o.body(client) });
          status = res.statusCode;
          text = await res.body.text();
        } catch (err) {
          r.network++;
          note(`network: ${(err as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        const ms = performance.now() - sent;
        r.answered++;
        const wrong = o.check(status, text);
        if (wrong) {
          r.wrong++;
          note(wrong);
          continue;
        }
        r.ok++;
        r.latencies.push(ms);
      }
    }));
  } finally {
    r.elapsedMs = performance.now() - t0;
    await pool.close();
  }
  return r;
}
