// What a bench must undo (databases, Redis keys, servers, child processes), newest first, at the
// end of a part of the run, at the end of the run, on an error and on Ctrl-C. A failing step is
// reported and the rest still run.

interface Step {
  what: string;
  run: () => unknown;
}

const steps: Step[] = [];
let running: Promise<void> = Promise.resolve();

/** Registers a step; it runs at the next cleanupTo() whose mark is below it. */
export function onCleanup(what: string, run: () => unknown): void {
  steps.push({ what, run });
}

/** How many steps are registered: cleanupTo(mark) later undoes just what came after. */
export const cleanupMark = (): number => steps.length;

/** Runs the steps registered after `mark` (all of them by default), newest first, each once. */
export function cleanupTo(mark = 0): Promise<void> {
  running = running.then(async () => {
    while (steps.length > mark) {
      const step = steps.pop()!;
      try {
        await step.run();
      } catch (err) {
        console.error(`cleanup: ${step.what} failed: ${(err as Error).message}`);
      }
    }
  });
  return running;
}

/** On SIGINT/SIGTERM: everything undone, then exit 130. */
export function cleanupOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void cleanupTo(0).finally(() => process.exit(130));
    });
  }
}
