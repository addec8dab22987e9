// Runs our entry files as real child processes (`node --import tsx <entry>`), collecting their
// output: pino's JSON log lines on stdout, and stderr. Waits are bounded so a stuck process fails
// the test instead of hanging it; nothing here measures how long anything took.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface LogLine {
  level: number;
  msg?: string;
  service?: string;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout's lines that parse as JSON (pino's log lines). */
  logs(): LogLine[];
  /** Resolves with the first log line that matches; rejects if the process exits or time runs out. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves when the process exits; rejects if it is still running after timeoutMs. */
  waitForExit(timeoutMs?: number): Promise<Exit>;
  exit(): Exit | undefined;
  /** SIGKILLs the process if it is still running (cleanup after a failed test). */
  kill(): Promise<void>;
  pid: number | undefined;
}

/** Starts `node --import tsx <entry>` from the repository root with exactly `env`. */
export function spawnEntry(entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let exit: Exit | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    notify();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<Exit>((resolve) => {
    // 'close' (not 'exit'): stdout and stderr have been read to the end.
    child.once('close', (code, signal) => {
      exit = { code, signal };
      notify();
      resolve(exit);
    });
  });

  const logs = (): LogLine[] =>
    out.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });

  const describe = () => `${entry}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logs,
    exit: () => exit,
    waitForLog(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs().find(match);
          if (found) done(() => resolve(found));
          else if (exit) done(() => reject(new Error(`process exited (${JSON.stringify(exit)}) before the log line: ${describe()}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no such log line after ${timeoutMs} ms: ${describe()}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    waitForExit(timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms: ${describe()}`)), timeoutMs);
        void exited.then((e) => {
          clearTimeout(timer);
          resolve(e);
        });
      });
    },
    pid: child.pid,
    async kill() {
      if (exit || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A TCP port nobody is listening on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls GET url until it answers 200; fails early if the process exits, or after timeoutMs. */
export async function waitForHttp(url: string, proc: ServiceProcess, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const exit = proc.exit();
    if (exit) throw new Error(`process exited (${JSON.stringify(exit)}) before ${url} answered:\n${proc.stdout()}\n${proc.stderr()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return res;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (${last}):\n${proc.stdout()}\n${proc.stderr()}`);
}
