import type { DebianPackage } from './manifest.ts';
import { EnvironmentError } from '../util/errors.ts';
import { run } from '../util/exec.ts';
import { progress } from '../util/progress.ts';

export async function isInstalled(pkg: string): Promise<boolean> {
  const r = await run('dpkg-query', ['-W', '-f=${Status}', pkg], { allowFailure: true });
  return r.exitCode === 0 && r.stdout.includes('install ok installed');
}

/** Installs the Debian packages that are missing; needs root, and says so. */
export async function installMissing(packages: DebianPackage[]): Promise<string[]> {
  const missing: string[] = [];
  for (const p of packages) if (!(await isInstalled(p.package))) missing.push(p.package);
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(
      `the Debian packages ${missing.join(', ')} are missing, and installing them needs root`,
      `run \`sudo apt-get install -y ${missing.join(' ')}\`, or run \`npm run setup\` as root`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  progress(`debian: apt-get update`);
  await run('apt-get', ['update', '-q'], { env, timeoutMs: 600_000 });
  progress(`debian: apt-get install ${missing.join(' ')}`);
  await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
    env,
    timeoutMs: 1_200_000,
  });
  return missing;
}

export async function installedVersion(pkg: string): Promise<string> {
  const r = await run('dpkg-query', ['-W', '-f=${Version}', pkg], { allowFailure: true });
  return r.stdout.trim();
}
