/**
 * The few kinds of failure the tool distinguishes, each with its exit code.
 * 1 ("the drill ran and an SLO failed") and 4 ("nothing failed, but not everything could be
 * decided") come from verdicts and are never thrown.
 */
export const ExitCode = {
  ok: 0,
  sloFailed: 1,
  usage: 2,
  couldNotRun: 3,
  /** Nothing failed, but some verdict could not be decided (insufficient evidence). */
  inconclusive: 4,
} as const;

/** Bad input from the user: names the value, where it came from, and the fix. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.usage;
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The machine or the cluster kept the tool from doing its work (missing binary, no root, port in use). */
export class EnvironmentError extends Error {
  readonly exitCode = ExitCode.couldNotRun;
  constructor(
    message: string,
    readonly fix?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EnvironmentError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Renders any error for a person: message, then the fix when we know one. */
export function describeError(err: unknown): string {
  if (err instanceof UsageError || err instanceof EnvironmentError) {
    return err.fix ? `${err.message}\n  fix: ${err.fix}` : err.message;
  }
  const stack = err instanceof Error && err.stack ? err.stack : String(err);
  return `internal error (a bug in kube-ha-drill; please report it with this text):\n${stack}`;
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof EnvironmentError) return err.exitCode;
  return ExitCode.couldNotRun;
}
