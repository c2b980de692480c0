import { execa } from 'execa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureComponents, type Components } from '../../src/components/components.ts';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs one of the tool's commands the way a user does (tsx entry point), without throwing on failure. */
export async function cli(
  command: 'cluster' | 'drill' | 'setup',
  args: string[],
  timeoutMs = 300_000,
  env: Record<string, string> = {},
) {
  const r = await execa(
    process.execPath,
    ['--import', 'tsx', path.join(repo, 'src', 'cli', 'kube-ha-drill.ts'), command, ...args],
    {
      cwd: repo,
      reject: false,
      timeout: timeoutMs,
      env: { KHD_NO_LAZY_SETUP: '1', ...env },
    },
  );
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

let components: Promise<Components> | undefined;
/** Provisions once per test run (lazily, as the drill does on a fresh machine). */
export function testComponents(): Promise<Components> {
  components ??= ensureComponents();
  return components;
}
