import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOrThrow } from '../schema/parse.ts';
import { UsageError } from '../util/errors.ts';
import {
  manifestSchema,
  type DebianPackage,
  type DebianProgram,
  type GoBinary,
  type GoBuild,
  type Manifest,
  type OptionalGroup,
} from './manifest-schema.ts';

export type {
  DebianPackage,
  DebianProgram,
  GoBinary,
  GoBuild,
  Manifest,
  OptionalGroup,
} from './manifest-schema.ts';
export { OPTIONAL_GROUPS } from './manifest-schema.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const defaultManifestPath = path.join(repoRoot, 'components.json');

/** Validates parsed JSON; every failure reads `<file>: <path>: <message>`. */
export function parseManifest(data: unknown, source = 'components.json'): Manifest {
  return parseOrThrow(manifestSchema, data, {
    source,
    fail: (message) => new UsageError(message, `correct ${source} (see README, "Components")`),
  });
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

/** The builds of the default group (no `group`) and of the optional groups asked for. */
export function buildsOf(manifest: Manifest, groups: readonly OptionalGroup[] = []): GoBuild[] {
  return manifest.goBuilds.filter((b) => inGroups(b, groups));
}

/** The Debian packages of the default group and of the optional groups asked for. */
export function packagesOf(manifest: Manifest, groups: readonly OptionalGroup[] = []): DebianPackage[] {
  return manifest.debianPackages.filter((p) => inGroups(p, groups));
}

function inGroups(part: { group?: OptionalGroup }, groups: readonly OptionalGroup[]): boolean {
  return part.group === undefined || groups.includes(part.group);
}

/** Packages that put a program on PATH (checked and recorded), not those installed only for builds. */
export function isProgram(p: DebianPackage): p is DebianProgram {
  return 'binary' in p;
}
