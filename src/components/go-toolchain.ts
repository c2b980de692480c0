import { statfsSync, mkdirSync } from 'node:fs';
import { EnvironmentError, UsageError } from '../util/errors.ts';
import { run } from '../util/exec.ts';

const GO_HINT =
  'install a Go toolchain (1.26 or newer) and put its bin directory on PATH, or set KHD_GO to the path of the go binary';

export function goBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.KHD_GO || 'go';
}

/** The environment every Go command of ours runs with: no toolchain download, static binaries. */
export function goEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod', ...extra };
}

/** "go1.26.8" -> [1, 26, 8] */
export function parseGoVersion(text: string): [number, number, number] | undefined {
  const m = /go(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function versionAtLeast(have: [number, number, number], need: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    if (have[i]! !== need[i]!) return have[i]! > need[i]!;
  }
  return true;
}

export async function localGoVersion(): Promise<string> {
  const r = await run(goBinary(), ['env', 'GOVERSION'], {
    env: goEnv(),
    installHint: GO_HINT,
    allowFailure: true,
  });
  if (r.exitCode !== 0)
    throw new EnvironmentError(`\`${goBinary()} env GOVERSION\` failed: ${r.stderr}`, GO_HINT);
  return r.stdout.trim();
}

/** Fails unless the local Go is at least the version a module's go.mod asks for. */
export async function requireGo(need: string, what: string): Promise<string> {
  const have = await localGoVersion();
  const h = parseGoVersion(have);
  const n = parseGoVersion(`go${need}`);
  if (h && n && !versionAtLeast(h, n)) {
    throw new EnvironmentError(`${what} needs Go ${need} or newer; this machine has ${have}`, GO_HINT);
  }
  return have;
}

export interface ModuleInfo {
  path: string;
  version: string;
  dir: string;
  goModFile: string;
}

/** Downloads module@version through the Go module proxy; an unknown version is a manifest error. */
export async function downloadModule(module: string, version: string, where: string): Promise<ModuleInfo> {
  const r = await run(goBinary(), ['mod', 'download', '-json', `${module}@${version}`], {
    env: goEnv(),
    installHint: GO_HINT,
    allowFailure: true,
  });
  let info: { Path?: string; Version?: string; Dir?: string; GoMod?: string; Error?: string };
  try {
    info = JSON.parse(r.stdout);
  } catch {
    info = { Error: r.stderr || r.stdout };
  }
  if (info.Error || !info.Dir || !info.GoMod) {
    const reason = (info.Error ?? r.stderr).split('\n')[0];
    if (/no space left/i.test(reason ?? '')) throw noSpace(reason ?? '');
    throw new UsageError(
      `${where}: ${module}@${version} cannot be had from the Go module proxy: ${reason}`,
      `set a published version in components.json; list them with \`go list -m -versions ${module}\``,
    );
  }
  return {
    path: info.Path ?? module,
    version: info.Version ?? version,
    dir: info.Dir,
    goModFile: info.GoMod,
  };
}

export function noSpace(detail: string): EnvironmentError {
  return new EnvironmentError(
    `no space left on the disk while building: ${detail}`,
    'free disk space (a cold build needs about 8 GiB for Go caches and binaries) or point KHD_CACHE_DIR and GOCACHE at a larger disk, then run `npm run setup` again',
  );
}

/** Refuses to start a build on a disk that cannot hold it. */
export function requireFreeSpace(dir: string, bytesNeeded: number): void {
  mkdirSync(dir, { recursive: true });
  const s = statfsSync(dir);
  const free = s.bavail * s.bsize;
  if (free < bytesNeeded) {
    throw new EnvironmentError(
      `only ${(free / 2 ** 30).toFixed(1)} GiB free at ${dir}; building the components needs ${(bytesNeeded / 2 ** 30).toFixed(0)} GiB`,
      'free disk space, or set KHD_CACHE_DIR (binaries) and GOCACHE/GOMODCACHE (Go caches) to a disk with room',
    );
  }
}
