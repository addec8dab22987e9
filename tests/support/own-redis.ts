// A redis-server of a test's own, on a free port, for fault tests that kill, pause, flush or
// restart it — never the machine's Redis. No persistence: a restart comes back empty.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './processes.ts';
import { redisServerBinary } from './needs.ts';

export interface OwnRedis {
  url: string;
  port: number;
  /** (Re)starts it on its port, empty; resolves once it answers PING. */
  start(): Promise<void>;
  /** Whether the process is alive (paused counts as alive). */
  running(): boolean;
  /** SIGSTOP: the server hangs (connections stay open, nothing answers). */
  pause(): void;
  resume(): void;
  /** SIGKILL, and waits for the exit. */
  kill(): Promise<void>;
  /** kill, then start: the same port, nothing in it. */
  restart(): Promise<void>;
}

async function answersPing(url: string, isDead: () => boolean): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined); // refusals while it boots are expected
  try {
    for (let i = 0; ; i++) {
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch (err) {
        if (i > 200 || isDead()) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    probe.disconnect();
  }
}

/** A server on a free port, not started yet. */
export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    const c = child;
    if (!c || !running()) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGCONT');
    c.kill('SIGKILL');
    await exited;
  };
  const start = async () => {
    await kill();
    const c = spawn(redisServerBinary() ?? 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = c;
    await answersPing(url, () => c.exitCode !== null);
  };
  return {
    url,
    port,
    start,
    running,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    kill,
    restart: start,
  };
}

/** A server on a free port, started. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const redis = await ownRedis();
  await redis.start();
  return redis;
}
