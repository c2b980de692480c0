import { describeError, exitCodeOf } from '../util/errors.ts';

/**
 * The one top-level handler of every command: maps errors to a message with
 * its fix and to an exit code (2 bad usage, 3 could not run).
 */
export function main(command: (argv: string[]) => Promise<number | void>): void {
  // A closed pipe (`| head`) must not crash the tool midway and skip its cleanup.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  command(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (err: unknown) => {
      process.stderr.write(`error: ${describeError(err)}\n`);
      process.exitCode = exitCodeOf(err);
    },
  );
}
