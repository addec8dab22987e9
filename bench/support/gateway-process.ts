// A gateway (ours: gateway/src/main.ts; stock: stock-gateway-main.ts) as a child process of the
// bench, ready once it answers `{ __typename }` on POST /graphql (stock has no /health).
import { GATEWAY_NODE_FLAGS } from '../../gateway/src/node-flags.ts';
import { spawnEntry, type ServiceProcess } from '../../tests/support/processes.ts';

/** Resolves when POST `graphqlUrl` `{ __typename }` answers 200; fails if `proc` exits first or after timeoutMs. */
export async function waitForGraphql(graphqlUrl: string, proc: ServiceProcess, label: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exit()) throw new Error(`${label} exited (${JSON.stringify(proc.exit())}) before answering:\n${proc.stdout()}\n${proc.stderr()}`);
    try {
      const res = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
        signal: AbortSignal.timeout(2_000),
      });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${label} did not answer within ${timeoutMs / 1000} s:\n${proc.stdout()}\n${proc.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The Node flags every gateway of a benchmark runs with, stock's included (the same runtime for
 * both, so a ratio measures the code): the gateway's production flags (gateway/src/node-flags.ts),
 * or BENCH_GATEWAY_FLAGS instead when set ("" for Node's defaults).
 */
export const benchGatewayFlags = (): string[] =>
  process.env.BENCH_GATEWAY_FLAGS === undefined ? [...GATEWAY_NODE_FLAGS] : process.env.BENCH_GATEWAY_FLAGS.split(' ').filter(Boolean);

/**
 * Starts `entry` (relative to the repository root) with exactly `env` and waits until it answers
 * on `port`. Its node gets benchGatewayFlags(), then BENCH_GATEWAY_NODE_ARGS (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof").
 */
export async function startGatewayProcess(entry: string, env: NodeJS.ProcessEnv, port: number, label: string): Promise<ServiceProcess> {
  const profiling = process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const nodeArgs = [...benchGatewayFlags(), ...profiling];
  const proc = spawnEntry(entry, env, nodeArgs);
  if (profiling.length) {
    // A profile is written at a normal exit only: ask for the graceful shutdown first.
    const kill = proc.kill.bind(proc);
    proc.kill = async () => {
      if (proc.pid !== undefined && !proc.exit()) process.kill(proc.pid, 'SIGTERM');
      await proc.waitForExit(15_000).catch(() => undefined);
      await kill();
    };
  }
  try {
    await waitForGraphql(`http://127.0.0.1:${port}/graphql`, proc, label);
  } catch (err) {
    await proc.kill();
    throw err;
  }
  return proc;
}
