import { execa } from 'execa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureComponents, type Components } from '../../src/components/components.ts';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

type Command = 'cluster' | 'drill' | 'gameday' | 'setup';

/** Starts one of the tool's commands the way a user does (the tsx entry point), in the background. */
export function startCli(
  command: Command,
  args: string[],
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
) {
  return execa(
    process.execPath,
    ['--import', 'tsx', path.join(repo, 'src', 'cli', 'kube-ha-drill.ts'), command, ...args],
    {
      cwd: repo,
      reject: false,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      env: { KHD_NO_LAZY_SETUP: '1', ...options.env },
    },
  );
}

/** Runs one of the tool's commands to its end, without throwing on failure. */
export async function cli(
  command: Command,
  args: string[],
  timeoutMs = 300_000,
  env: Record<string, string> = {},
) {
  const r = await startCli(command, args, { timeoutMs, env });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

let components: Promise<Components> | undefined;
/** Provisions once per test run (lazily, as the drill does on a fresh machine). */
export function testComponents(): Promise<Components> {
  components ??= ensureComponents();
  return components;
}
