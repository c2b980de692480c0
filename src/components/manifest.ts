import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../util/errors.ts';

/** One binary built from a Go module, with the command that makes it print its version. */
export interface GoBinary {
  name: string;
  package: string;
  versionArgs: string[];
  /** Text the version output must contain; {version}, {bare}, {major}, {minor} are expanded. */
  expect: string;
  /**
   * Expected sha256 of the built binary per platform ("linux/amd64"). The build is reproducible, so
   * this is checked after every build and before every run; null (or no entry) means not pinned yet.
   */
  sha256: Record<string, string | null>;
}

export interface GoBuild {
  name: string;
  module: string;
  version: string;
  /** Modules of the same release built in the same wrapper module (etcdctl beside etcd). */
  extraModules?: string[];
  /** Kubernetes: replace every ./staging module with its published v0.X.Y. */
  replaceStagingModules?: boolean;
  ldflags?: string[];
  binaries: GoBinary[];
}

export interface DebianPackage {
  package: string;
  binary: string;
  versionArgs: string[];
  expect: string;
}

export interface Manifest {
  schema: 2;
  /** Exact Go toolchain of every build (go1.26.8); fetched as a module when the local go differs. */
  goToolchain: string;
  goBuilds: GoBuild[];
  debianPackages: DebianPackage[];
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const defaultManifestPath = path.join(repoRoot, 'components.json');

const SEMVER = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const NAME = /^[a-z0-9][a-z0-9-]*$/;
const TOOLCHAIN = /^go\d+\.\d+\.\d+$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Validates parsed JSON; every failure reads `<file>: <path>: <message>`. */
export function parseManifest(data: unknown, source = 'components.json'): Manifest {
  const errors: string[] = [];
  const fail = (at: string, msg: string) => errors.push(`${source}: ${at}: ${msg}`);
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const str = (o: Record<string, unknown>, key: string, at: string, re?: RegExp, hint?: string): void => {
    const v = o[key];
    if (typeof v !== 'string' || v === '')
      fail(`${at}.${key}`, `must be a non-empty string (got ${JSON.stringify(v)})`);
    else if (re && !re.test(v))
      fail(`${at}.${key}`, `${JSON.stringify(v)} ${hint ?? `does not match ${re}`}`);
  };
  const strArray = (o: Record<string, unknown>, key: string, at: string, optional = false): void => {
    const v = o[key];
    if (v === undefined && optional) return;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      fail(`${at}.${key}`, `must be a list of strings (got ${JSON.stringify(v)})`);
  };

  if (!isObj(data)) throw new UsageError(`${source}: must be a JSON object`);
  if (data.schema !== 2)
    fail('schema', `unsupported schema ${JSON.stringify(data.schema)}; this tool reads schema 2`);
  if (typeof data.goToolchain !== 'string' || !TOOLCHAIN.test(data.goToolchain))
    fail('goToolchain', `${JSON.stringify(data.goToolchain)} is not an exact Go toolchain such as go1.26.8`);
  const names = new Set<string>();
  const goBuilds = Array.isArray(data.goBuilds) ? data.goBuilds : (fail('goBuilds', 'must be a list'), []);
  goBuilds.forEach((b: unknown, i: number) => {
    const at = `goBuilds[${i}]`;
    if (!isObj(b)) return fail(at, 'must be an object');
    str(b, 'name', at, NAME, 'must be lower-case letters, digits and dashes');
    str(b, 'module', at);
    str(b, 'version', at, SEMVER, 'is not a Go module version such as v1.36.3');
    strArray(b, 'extraModules', at, true);
    strArray(b, 'ldflags', at, true);
    if (b.replaceStagingModules !== undefined && typeof b.replaceStagingModules !== 'boolean')
      fail(`${at}.replaceStagingModules`, 'must be true or false');
    if (!Array.isArray(b.binaries) || b.binaries.length === 0)
      return fail(`${at}.binaries`, 'must be a non-empty list');
    b.binaries.forEach((bin: unknown, j: number) => {
      const bat = `${at}.binaries[${j}]`;
      if (!isObj(bin)) return fail(bat, 'must be an object');
      str(bin, 'name', bat, NAME, 'must be lower-case letters, digits and dashes');
      str(bin, 'package', bat);
      strArray(bin, 'versionArgs', bat);
      str(bin, 'expect', bat);
      if (!isObj(bin.sha256)) fail(`${bat}.sha256`, 'must be an object such as { "linux/amd64": null }');
      else
        for (const [platform, hash] of Object.entries(bin.sha256)) {
          if (!PLATFORM.test(platform)) fail(`${bat}.sha256`, `${JSON.stringify(platform)} is not os/arch`);
          if (hash !== null && (typeof hash !== 'string' || !SHA256.test(hash)))
            fail(`${bat}.sha256.${platform}`, `must be 64 lower-case hex digits or null (not pinned yet)`);
        }
      if (typeof bin.name === 'string') {
        if (names.has(bin.name)) fail(`${bat}.name`, `binary ${bin.name} is listed twice`);
        names.add(bin.name);
      }
    });
  });
  const debs = Array.isArray(data.debianPackages)
    ? data.debianPackages
    : (fail('debianPackages', 'must be a list'), []);
  debs.forEach((d: unknown, i: number) => {
    const at = `debianPackages[${i}]`;
    if (!isObj(d)) return fail(at, 'must be an object');
    str(d, 'package', at, /^[a-z0-9][a-z0-9+.-]+$/, 'is not a Debian package name');
    str(d, 'binary', at);
    strArray(d, 'versionArgs', at);
    str(d, 'expect', at);
  });
  if (errors.length > 0) {
    throw new UsageError(errors.join('\n'), `correct ${source} (see README, "Components")`);
  }
  return data as unknown as Manifest;
}

export function loadManifest(file = defaultManifestPath): Manifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the components manifest ${file}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  return parseManifest(data, path.basename(file));
}

/** The platform key of sha256 pins: Go's GOOS/GOARCH of this machine. */
export function platform(): string {
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };
  return `${process.platform}/${arch[process.arch] ?? process.arch}`;
}

/** Finds the build that makes a binary, e.g. "etcdctl" -> the etcd build. */
export function buildOf(
  manifest: Manifest,
  binary: string,
): { build: GoBuild; binary: GoBinary } | undefined {
  for (const build of manifest.goBuilds) {
    const bin = build.binaries.find((b) => b.name === binary);
    if (bin) return { build, binary: bin };
  }
  return undefined;
}
