// Runs a chore every `intervalMs` in the background: never two runs at once, errors logged
// (the next tick tries again), timers unref'd so they never keep a process alive.
import type { Logger } from '@fffoto/shared/logger';

export interface Periodic {
  /** Runs the chore now (after any run in progress), e.g. from tests. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export function startPeriodic(name: string, intervalMs: number, chore: () => Promise<unknown>, log: Logger): Periodic {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        await chore();
      } catch (err) {
        log.warn({ err: (err as Error).message, chore: name }, 'periodic chore failed; will retry');
      }
    });
    return running;
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return {
    runNow: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
