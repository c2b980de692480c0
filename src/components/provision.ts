import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { binDir, buildDir, cacheRoot, provenancePath } from './cache.ts';
import { installedVersion, installMissing } from './debian.ts';
import { requireRootOnlyDir } from './dir-safety.ts';
import { ensureDockerRunning } from './docker-daemon.ts';
import { verifyDebianFile } from './dpkg-md5sums.ts';
import { goBuild, recipeOf, updateGoSum } from './go-build.ts';
import { readGoSum } from './go-sum.ts';
import { goEnvReport, requireFreeSpace } from './go-toolchain.ts';
import {
  buildsOf,
  packagesOf,
  isProgram,
  type DebianProgram,
  type GoBinary,
  type GoBuild,
  type Manifest,
  type OptionalGroup,
} from './manifest.ts';
import { pinnedSha256, recordPins, requirePinned } from './pins.ts';
import {
  readProvenance,
  sha256File,
  writeProvenance,
  type BinaryRecord,
  type Provenance,
} from './provenance.ts';
import { checkReportedVersion, expand, versionVars } from './version-check.ts';
import { EnvironmentError } from '../util/errors.ts';
import { run, runSync } from '../util/exec.ts';
import { progress } from '../util/progress.ts';
import { which } from '../util/which.ts';

/** What vouches for a binary: its sha256 pin, dpkg's md5sums, or only the cache's own record. */
export type Verification = 'sha256 pin' | 'dpkg md5sums' | 'not pinned';

/** One provisioned part, as setup prints it and reports record it. */
export interface ComponentRecord {
  name: string;
  source: 'go' | 'debian';
  /** Pinned version (Go module version or Debian package version). */
  version: string;
  path: string;
  sha256: string;
  builtAt?: string;
  reportedVersion: string;
  verifiedBy: Verification;
}

const BUILD_SPACE_BYTES = 8 * 2 ** 30;

/** Runs a binary's version command and checks it against the pin. */
export async function verifyVersion(file: string, args: string[], expected: string): Promise<string> {
  const r = await run(file, args, { allowFailure: true, timeoutMs: 30_000 });
  return checkReportedVersion(path.basename(file), `${r.stdout}\n${r.stderr}`, expected);
}

function expected(build: GoBuild, bin: GoBinary): string {
  return expand(bin.expect, versionVars(build.version));
}

/** The cache must be root's alone when root runs from it; made here so that it starts that way. */
function safeCacheRoot(root: string): void {
  mkdirSync(root, { recursive: true, mode: 0o755 });
  requireRootOnlyDir(root, 'component cache');
}

/**
 * A cached build is reused when it was made from the same pins and every binary still has the
 * expected bytes: its sha256 pin, or (not pinned yet) the sha256 recorded when it was built.
 */
async function reusable(build: GoBuild, root: string, recipe: string): Promise<Provenance | undefined> {
  const prov = readProvenance(provenancePath(build.name, build.version, root));
  if (!prov || prov.version !== build.version || prov.module !== build.module) return undefined;
  for (const bin of build.binaries) {
    const rec = prov.binaries.find((b) => b.name === bin.name);
    if (!rec || !existsSync(rec.path) || !rec.reportedVersion.includes(expected(build, bin)))
      return undefined;
    const sha = await sha256File(rec.path);
    const pin = pinnedSha256(bin);
    // The pinned bytes are the pinned bytes, however they were made; unpinned ones need the same recipe.
    if (pin ? sha !== pin : prov.recipe !== recipe || sha !== rec.sha256) {
      if (sha !== rec.sha256)
        progress(`${bin.name}: the cached binary changed since it was built: rebuilding it`);
      return undefined;
    }
  }
  return prov;
}

async function buildAndRecord(build: GoBuild, root: string, toolchain: string): Promise<Provenance> {
  requireFreeSpace(root, BUILD_SPACE_BYTES);
  const builtAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const dir = binDir(build.name, build.version, root);
  const { goVersion, recipe } = await goBuild(
    build,
    path.join(buildDir(build.name, build.version, root), 'src'),
    dir,
    toolchain,
  );
  const binaries: BinaryRecord[] = [];
  for (const bin of build.binaries) {
    const file = path.join(dir, bin.name);
    const sha256 = await sha256File(file);
    const pin = pinnedSha256(bin);
    if (pin && sha256 !== pin) {
      renameSync(file, `${file}.rejected`); // kept for a look, never run
      requirePinned(bin.name, `${file}.rejected`, sha256, pin, 'as just built');
    }
    const reportedVersion = await verifyVersion(file, bin.versionArgs, expected(build, bin));
    binaries.push({
      name: bin.name,
      path: file,
      sha256,
      bytes: statSync(file).size,
      builtAt,
      reportedVersion,
    });
  }
  const prov: Provenance = {
    build: build.name,
    module: build.module,
    version: build.version,
    goVersion,
    recipe,
    binaries,
  };
  writeProvenance(provenancePath(build.name, build.version, root), prov);
  return prov;
}

async function debianRecord(p: DebianProgram): Promise<ComponentRecord> {
  const file = which(p.binary);
  if (!file) {
    throw new EnvironmentError(
      `${p.binary} (Debian package ${p.package}) is installed but not on PATH`,
      `check PATH includes /usr/sbin and /sbin`,
    );
  }
  verifyDebianFile(p.package, file);
  return {
    name: p.binary,
    source: 'debian',
    version: await installedVersion(p.package),
    path: file,
    sha256: await sha256File(file),
    reportedVersion: await verifyVersion(file, p.versionArgs, p.expect),
    verifiedBy: 'dpkg md5sums',
  };
}

function goRecords(prov: Provenance, build: GoBuild): ComponentRecord[] {
  return prov.binaries.map((b) => {
    const bin = build.binaries.find((x) => x.name === b.name);
    return {
      name: b.name,
      source: 'go',
      version: prov.version,
      path: b.path,
      sha256: b.sha256,
      builtAt: b.builtAt,
      reportedVersion: b.reportedVersion,
      verifiedBy: bin && pinnedSha256(bin) === b.sha256 ? 'sha256 pin' : 'not pinned',
    };
  });
}

export interface ProvisionOptions {
  root?: string;
  /** Rebuild even when a verified build is cached. */
  force?: boolean;
  /** Record each build's go.sum anew into components/<build>/go.sum before building. */
  updateGoSum?: boolean;
  /** Build afresh whatever has no sha256 pin yet and write the sha256 into components.json. */
  recordHashes?: boolean;
  /** Optional groups to build besides the default one (`npm run setup -- kind`); none by default. */
  groups?: readonly OptionalGroup[];
}

/** Makes every pinned part present and verified; cheap when everything already is. */
export async function provision(manifest: Manifest, opts: ProvisionOptions = {}): Promise<ComponentRecord[]> {
  const root = opts.root ?? cacheRoot();
  safeCacheRoot(root);
  const packages = packagesOf(manifest, opts.groups);
  const installed = await installMissing(packages);
  if (installed.length > 0) progress(`debian: installed ${installed.join(', ')}`);
  const records: ComponentRecord[] = await Promise.all(packages.filter(isProgram).map(debianRecord));
  // The kind provider's nodes run in Docker: its daemon must answer, not only be installed.
  if (opts.groups?.includes('kind')) await ensureDockerRunning(which('dockerd') ?? 'dockerd');
  const toolchain = manifest.goToolchain;
  let goCachesChecked = false;
  const newHashes = new Map<string, string>();
  for (const build of buildsOf(manifest, opts.groups)) {
    const work = path.join(buildDir(build.name, build.version, root), 'src');
    const needsPins = opts.recordHashes && build.binaries.some((b) => !pinnedSha256(b));
    let prov: Provenance | undefined;
    if (!opts.force && !opts.updateGoSum && !needsPins) {
      prov = await reusable(build, root, recipeOf(build, toolchain, readGoSum(build)));
    }
    if (!prov) {
      if (!goCachesChecked) {
        // Go trusts what its module cache holds once unpacked: as root, it must be root's alone too.
        const caches = await goEnvReport(toolchain, ['GOMODCACHE', 'GOCACHE']);
        requireRootOnlyDir(caches.GOMODCACHE ?? '', 'Go module cache', 'GOMODCACHE');
        requireRootOnlyDir(caches.GOCACHE ?? '', 'Go build cache', 'GOCACHE');
        goCachesChecked = true;
      }
      if (opts.updateGoSum) progress(`wrote ${await updateGoSum(build, work, toolchain)}`);
      prov = await buildAndRecord(build, root, toolchain);
      if (needsPins) for (const b of prov.binaries) newHashes.set(b.name, b.sha256);
    }
    records.push(...goRecords(prov, build));
  }
  if (newHashes.size > 0) {
    const pinned = await recordPins(newHashes);
    progress(`components.json: pinned the sha256 of ${pinned.join(', ')}; review and commit it`);
    for (const r of records) if (pinned.includes(r.name)) r.verifiedBy = 'sha256 pin';
  }
  return records;
}

function changedSinceBuilt(name: string, file: string, now: string, built: string): EnvironmentError {
  return new EnvironmentError(
    `${name} (${file}) changed since it was built: sha256 ${now}, recorded ${built}: refusing to run it`,
    `find out what wrote to the cache, then delete ${path.dirname(file)} and run \`npm run setup\``,
  );
}

function sha256FileSync(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * What is provisioned now, without building anything: for reports and the check before every
 * run. Each binary is hashed now and compared with its pin, so what runs is what was pinned.
 * Optional groups count only when asked for; then what they lack is missing too (a first
 * `--provider kind` builds the kind group).
 */
export function provisionedRecords(
  manifest: Manifest,
  root = cacheRoot(),
  groups: readonly OptionalGroup[] = [],
): { records: ComponentRecord[]; missing: string[] } {
  const records: ComponentRecord[] = [];
  const missing: string[] = [];
  if (existsSync(root)) requireRootOnlyDir(root, 'component cache');
  // Only the groups asked for are looked at: a local drill does not hash the kind group's 650 MB.
  for (const build of buildsOf(manifest, groups)) {
    const prov = readProvenance(provenancePath(build.name, build.version, root));
    const current = prov?.recipe === recipeOf(build, manifest.goToolchain, readGoSum(build));
    const lacking = (why: string) => missing.push(why);
    for (const bin of build.binaries) {
      const rec =
        prov?.version === build.version ? prov.binaries.find((b) => b.name === bin.name) : undefined;
      if (!rec || !existsSync(rec.path)) {
        lacking(`${bin.name} ${build.version}`);
        continue;
      }
      const sha = sha256FileSync(rec.path);
      const pin = pinnedSha256(bin);
      const ok = () => records.push(...goRecords({ ...prov!, binaries: [rec] }, build));
      if (pin && sha === pin) ok();
      else if (sha !== rec.sha256) throw changedSinceBuilt(bin.name, rec.path, sha, rec.sha256);
      // Stale or not the pinned bytes: rebuilt (and checked against the pin) before use.
      else if (!current) lacking(`${bin.name} ${build.version} (built from other pins)`);
      else if (pin) lacking(`${bin.name} ${build.version} (not the pinned sha256)`);
      else ok();
    }
  }
  for (const p of packagesOf(manifest, groups).filter(isProgram)) {
    const file = which(p.binary);
    if (!file) {
      missing.push(`${p.binary} (Debian ${p.package})`);
      continue;
    }
    verifyDebianFile(p.package, file);
    const version = runSync('dpkg-query', ['-W', '-f=${Version}', p.package], {
      allowFailure: true,
    }).stdout.trim();
    const sha256 = sha256FileSync(file);
    records.push({
      name: p.binary,
      source: 'debian',
      version,
      path: file,
      sha256,
      reportedVersion: '',
      verifiedBy: 'dpkg md5sums',
    });
  }
  return { records, missing };
}
