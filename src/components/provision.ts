import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { binDir, buildDir, cacheRoot, provenancePath } from './cache.ts';
import { installedVersion, installMissing } from './debian.ts';
import { goBuild } from './go-build.ts';
import { localGoVersion, requireFreeSpace } from './go-toolchain.ts';
import type { DebianPackage, GoBinary, GoBuild, Manifest } from './manifest.ts';
import {
  readProvenance,
  sha256File,
  writeProvenance,
  type BinaryRecord,
  type Provenance,
} from './provenance.ts';
import { checkReportedVersion, expand, versionVars } from './version-check.ts';
import { EnvironmentError } from '../util/errors.ts';
import { run } from '../util/exec.ts';
import { progress } from '../util/progress.ts';
import { which } from '../util/which.ts';

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

/**
 * A build is reusable when every binary is there and unchanged since it was recorded: the same sha256
 * is the same program, so the version it reported when it was built and checked still holds.
 */
async function reusable(build: GoBuild, root: string): Promise<Provenance | undefined> {
  const prov = readProvenance(provenancePath(build.name, build.version, root));
  if (!prov || prov.version !== build.version || prov.module !== build.module) return undefined;
  const checks = build.binaries.map(async (bin) => {
    const rec = prov.binaries.find((b) => b.name === bin.name);
    if (!rec || !existsSync(rec.path) || !rec.reportedVersion.includes(expected(build, bin))) return false;
    return (await sha256File(rec.path)) === rec.sha256;
  });
  return (await Promise.all(checks)).every(Boolean) ? prov : undefined;
}

async function buildAndRecord(build: GoBuild, root: string): Promise<Provenance> {
  requireFreeSpace(root, BUILD_SPACE_BYTES);
  const buildDate = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const dir = binDir(build.name, build.version, root);
  await goBuild(build, path.join(buildDir(build.name, build.version, root), 'src'), dir, buildDate);
  const binaries: BinaryRecord[] = [];
  for (const bin of build.binaries) {
    const file = path.join(dir, bin.name);
    const reportedVersion = await verifyVersion(file, bin.versionArgs, expected(build, bin));
    const bytes = statSync(file).size;
    binaries.push({
      name: bin.name,
      path: file,
      sha256: await sha256File(file),
      bytes,
      builtAt: buildDate,
      reportedVersion,
    });
  }
  const prov: Provenance = {
    build: build.name,
    module: build.module,
    version: build.version,
    goVersion: await localGoVersion(),
    binaries,
  };
  writeProvenance(provenancePath(build.name, build.version, root), prov);
  return prov;
}

async function debianRecord(p: DebianPackage): Promise<ComponentRecord> {
  const file = which(p.binary);
  if (!file) {
    throw new EnvironmentError(
      `${p.binary} (Debian package ${p.package}) is installed but not on PATH`,
      `check PATH includes /usr/sbin and /sbin`,
    );
  }
  return {
    name: p.binary,
    source: 'debian',
    version: await installedVersion(p.package),
    path: file,
    sha256: await sha256File(file),
    reportedVersion: await verifyVersion(file, p.versionArgs, p.expect),
  };
}

function goRecords(prov: Provenance): ComponentRecord[] {
  return prov.binaries.map((b) => ({
    name: b.name,
    source: 'go',
    version: prov.version,
    path: b.path,
    sha256: b.sha256,
    builtAt: b.builtAt,
    reportedVersion: b.reportedVersion,
  }));
}

export interface ProvisionOptions {
  root?: string;
  /** Rebuild even when a verified build is cached. */
  force?: boolean;
}

/** Makes every pinned part present and verified; cheap when everything already is. */
export async function provision(manifest: Manifest, opts: ProvisionOptions = {}): Promise<ComponentRecord[]> {
  const root = opts.root ?? cacheRoot();
  const installed = await installMissing(manifest.debianPackages);
  if (installed.length > 0) progress(`debian: installed ${installed.join(', ')}`);
  const records: ComponentRecord[] = await Promise.all(manifest.debianPackages.map(debianRecord));
  for (const build of manifest.goBuilds) {
    let prov = opts.force ? undefined : await reusable(build, root);
    if (!prov) prov = await buildAndRecord(build, root);
    records.push(...goRecords(prov));
  }
  return records;
}

function sha256FileSync(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** What is provisioned now, without building anything: for reports and lazy checks. */
export function provisionedRecords(
  manifest: Manifest,
  root = cacheRoot(),
): { records: ComponentRecord[]; missing: string[] } {
  const records: ComponentRecord[] = [];
  const missing: string[] = [];
  for (const build of manifest.goBuilds) {
    const prov = readProvenance(provenancePath(build.name, build.version, root));
    for (const bin of build.binaries) {
      const rec =
        prov?.version === build.version ? prov.binaries.find((b) => b.name === bin.name) : undefined;
      if (!rec || !existsSync(rec.path)) missing.push(`${bin.name} ${build.version}`);
      // Hashed now, not copied from the record: reports carry the sha256 of what actually ran.
      else if (sha256FileSync(rec.path) !== rec.sha256)
        missing.push(`${bin.name} ${build.version} (changed since it was built)`);
      else records.push(...goRecords({ ...prov!, binaries: [rec] }));
    }
  }
  for (const p of manifest.debianPackages) {
    const file = which(p.binary);
    if (!file) {
      missing.push(`${p.binary} (Debian ${p.package})`);
      continue;
    }
    const version =
      spawnSync('dpkg-query', ['-W', '-f=${Version}', p.package], { encoding: 'utf8' }).stdout?.trim() ?? '';
    const sha256 = sha256FileSync(file);
    records.push({ name: p.binary, source: 'debian', version, path: file, sha256, reportedVersion: '' });
  }
  return { records, missing };
}
