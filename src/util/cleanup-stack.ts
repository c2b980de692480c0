import { progress } from './progress.ts';

/**
 * Every setup step registers its undo before it runs; undo runs in reverse
 * order, each step on its own so one failure cannot skip the rest. On SIGINT,
 * SIGTERM or SIGHUP the stack is unwound before the process exits.
 */
export class CleanupStack {
  private readonly steps: { name: string; undo: () => Promise<void> }[] = [];
  private unwinding?: Promise<string[]>;
  private interruptedBy?: NodeJS.Signals;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.interruptedBy) {
      progress(`${signal} again: still cleaning up, please wait (a kill -9 leaves work for the next run)`);
      return;
    }
    this.interruptedBy = signal;
    progress(`${signal}: stopping the drill, healing faults and cleaning up`);
    for (const l of this.interruptListeners) l(signal);
  };
  private readonly interruptListeners: ((s: NodeJS.Signals) => void)[] = [];

  constructor() {
    // SIGHUP too: a closed terminal or SSH session must not leave a fault in place.
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, this.onSignal);
  }

  get interrupted(): NodeJS.Signals | undefined {
    return this.interruptedBy;
  }

  onInterrupt(listener: (s: NodeJS.Signals) => void): void {
    this.interruptListeners.push(listener);
  }

  push(name: string, undo: () => Promise<void>): void {
    this.steps.push({ name, undo });
  }

  /** Runs every undo once; returns the errors, one line each. */
  unwind(): Promise<string[]> {
    this.unwinding ??= (async () => {
      const errors: string[] = [];
      while (this.steps.length > 0) {
        const step = this.steps.pop()!;
        try {
          await step.undo();
        } catch (err) {
          errors.push(`${step.name}: ${(err as Error).message}`);
        }
      }
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, this.onSignal);
      return errors;
    })();
    return this.unwinding;
  }
}
