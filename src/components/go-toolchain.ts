import { mkdirSync, readFileSync, statfsSync } from 'node:fs';
import { goEnv, type GoEnvOptions } from './go-env.ts';
import { loadManifest } from './manifest.ts';
import { EnvironmentError, UsageError } from '../util/errors.ts';
import { run, type RunResult } from '../util/exec.ts';

const GO_HINT =
  'install a Go toolchain (1.26 or newer) and put its bin directory on PATH, or set KHD_GO to the path of the go binary';

export function goBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.KHD_GO || 'go';
}

/** Runs go with the tool's own environment only (see go-env.ts). */
export function goRun(args: string[], opts: GoEnvOptions & { cwd?: string }): Promise<RunResult> {
  return run(goBinary(), args, {
    cwd: opts.cwd,
    env: goEnv(opts),
    exactEnv: true,
    installHint: GO_HINT,
    allowFailure: true,
  });
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

/** What `go env` reports under the tool's environment: the pinned toolchain (fetched if not local) and its caches. */
export async function goEnvReport(toolchain: string, keys: string[]): Promise<Record<string, string>> {
  const r = await goRun(['env', '-json', ...keys], { toolchain });
  if (r.exitCode !== 0) {
    const detail = r.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new EnvironmentError(
      `\`${goBinary()} env\` with GOTOOLCHAIN=${toolchain} failed: ${detail}`,
      GO_HINT,
    );
  }
  return JSON.parse(r.stdout) as Record<string, string>;
}

/** Fails unless the pinned toolchain is at least the version a module's go.mod asks for. */
export async function requireGo(
  need: string,
  what: string,
  toolchain = loadManifest().goToolchain,
): Promise<string> {
  const have = (await goEnvReport(toolchain, ['GOVERSION'])).GOVERSION ?? '';
  const h = parseGoVersion(have);
  const n = parseGoVersion(`go${need}`);
  if (h && n && !versionAtLeast(h, n)) {
    throw new UsageError(
      `${what} needs Go ${need} or newer; components.json pins goToolchain ${toolchain}`,
      `set goToolchain in components.json to go${need} or newer (it is fetched from the Go module proxy when not installed)`,
    );
  }
  return have;
}

export interface ModuleInfo {
  path: string;
  version: string;
  dir: string;
  goModFile: string;
  /** h1: hash of the module zip, as checked against the checksum database. */
  sum: string;
  /** Commit time of the version (from the proxy's .info): a build date that does not depend on the clock. */
  time: string;
}

/** Downloads module@version through the Go module proxy; an unknown version is a manifest error. */
export async function downloadModule(
  module: string,
  version: string,
  where: string,
  toolchain = loadManifest().goToolchain,
): Promise<ModuleInfo> {
  const r = await goRun(['mod', 'download', '-json', `${module}@${version}`], { toolchain });
  let info: {
    Path?: string;
    Version?: string;
    Dir?: string;
    GoMod?: string;
    Info?: string;
    Sum?: string;
    Error?: string;
  };
  try {
    info = JSON.parse(r.stdout);
  } catch {
    info = { Error: r.stderr || r.stdout };
  }
  if (info.Error || !info.Dir || !info.GoMod || !info.Info || !info.Sum) {
    const reason = (info.Error ?? r.stderr).split('\n')[0];
    if (/no space left/i.test(reason ?? '')) throw noSpace(reason ?? '');
    throw new UsageError(
      `${where}: ${module}@${version} cannot be had from the Go module proxy: ${reason}`,
      `set a published version in components.json; list them with \`go list -m -versions ${module}\``,
    );
  }
  const time = (JSON.parse(readFileSync(info.Info, 'utf8')) as { Time?: string }).Time ?? '';
  return {
    path: info.Path ?? module,
    version: info.Version ?? version,
    dir: info.Dir,
    goModFile: info.GoMod,
    sum: info.Sum,
    time: time.replace(/\.\d+Z$/, 'Z'),
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
