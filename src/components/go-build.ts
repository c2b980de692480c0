import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { goSumPath, readGoSum, requireGoSumEntry, UPDATE_GO_SUM } from './go-sum.ts';
import { platform, type GoBuild } from './manifest.ts';
import { downloadModule, goRun, noSpace, requireGo } from './go-toolchain.ts';
import { expand, versionVars } from './version-check.ts';
import { EnvironmentError } from '../util/errors.ts';
import { lastLines } from '../util/exec.ts';
import { progress, withHeartbeat } from '../util/progress.ts';

/**
 * Staging modules of a Kubernetes release: its go.mod replaces each k8s.io/x
 * with ./staging/src/k8s.io/x. Read from that release's go.mod, never hard-coded.
 */
export function stagingModules(goMod: string): string[] {
  const re = /^\s*(k8s\.io\/[A-Za-z0-9._-]+)\s+=>\s+\.\/staging\/src\//gm;
  return [...goMod.matchAll(re)].map((m) => m[1]!);
}

/** Kubernetes v1.36.3 publishes its staging modules as v0.36.3. */
export function stagingVersion(k8sVersion: string): string {
  return k8sVersion.replace(/^v1\./, 'v0.');
}

export function goDirective(goMod: string): string | undefined {
  return /^go\s+(\S+)/m.exec(goMod)?.[1];
}

/** The go.mod of the wrapper module through which a build is made (go install pkg@v refuses replace lines). */
export function wrapperGoMod(build: GoBuild, goVersion: string, staging: string[]): string {
  const lines = [`module kube-ha-drill.local/build/${build.name}`, '', `go ${goVersion}`, '', 'require ('];
  for (const m of [build.module, ...(build.extraModules ?? [])]) lines.push(`\t${m} ${build.version}`);
  lines.push(')');
  if (staging.length > 0) {
    const v = stagingVersion(build.version);
    lines.push('', 'replace (');
    for (const m of staging) lines.push(`\t${m} => ${m} ${v}`);
    lines.push(')');
  }
  return lines.join('\n') + '\n';
}

export interface BuildResult {
  goVersion: string;
  /** Fingerprint of everything that decides the output: a cached build with another one is stale. */
  recipe: string;
}

const BUILD_FLAGS = ['-trimpath', '-buildvcs=false'];

/** The build's tags, for go build and for go list (tags decide which dependencies are needed). */
function tagArgs(build: GoBuild): string[] {
  return build.tags?.length ? ['-tags', build.tags.join(',')] : [];
}

/**
 * Everything that decides a build's bytes, known without the network: the manifest entry, the
 * toolchain, the committed go.sum, the flags. Go modules are content-addressed through go.sum.
 */
export function recipeOf(build: GoBuild, toolchain: string, goSum: string): string {
  // The group decides only when a build is made, not its bytes.
  const { group: _group, ...rest } = build;
  const entry = { ...rest, binaries: build.binaries.map((b) => ({ name: b.name, package: b.package })) };
  return createHash('sha256')
    .update(JSON.stringify({ entry, toolchain, goSum, BUILD_FLAGS, platform: platform() }))
    .digest('hex');
}

/** Fetches the release, checks it against the committed go.sum and writes the wrapper module into workDir. */
async function prepare(build: GoBuild, workDir: string, toolchain: string, goSum: string | undefined) {
  const where = `components.json goBuilds "${build.name}"`;
  progress(`${build.name} ${build.version}: fetching ${build.module} from the Go module proxy`);
  const modules = [build.module, ...(build.extraModules ?? [])];
  const infos = [];
  for (const m of modules) infos.push(await downloadModule(m, build.version, where, toolchain));
  if (goSum !== undefined) for (const info of infos) requireGoSumEntry(build, goSum, info.path, info.sum);
  const main = infos[0]!;
  const goMod = readFileSync(main.goModFile, 'utf8');
  const goVersion = goDirective(goMod) ?? '1.22';
  const have = await requireGo(goVersion, `${build.module}@${build.version}`, toolchain);
  const staging = build.replaceStagingModules ? stagingModules(goMod) : [];
  if (build.replaceStagingModules && staging.length === 0) {
    throw new EnvironmentError(
      `${build.module}@${build.version}: its go.mod lists no ./staging modules to replace`,
    );
  }
  mkdirSync(workDir, { recursive: true });
  writeFileSync(path.join(workDir, 'go.mod'), wrapperGoMod(build, goVersion, staging));
  writeFileSync(path.join(workDir, 'go.sum'), goSum ?? '');
  return { have, buildDate: main.time };
}

/**
 * Records the wrapper module's go.sum anew (go checks every new hash against sum.golang.org) into
 * components/<build>/go.sum, for review and commit. Only on explicit request: builds never do this.
 */
export async function updateGoSum(build: GoBuild, workDir: string, toolchain: string): Promise<string> {
  await prepare(build, workDir, toolchain, undefined);
  progress(`${build.name} ${build.version}: recording go.sum`);
  const pkgs = build.binaries.map((b) => b.package);
  const r = await goRun(['list', '-deps', ...tagArgs(build), ...pkgs], {
    toolchain,
    mod: 'mod',
    cwd: workDir,
    cgo: build.cgo,
  });
  if (r.exitCode !== 0) {
    throw new EnvironmentError(`go list of ${pkgs.join(' ')} failed:\n${lastLines(r.stderr, 20)}`);
  }
  const file = goSumPath(build);
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(path.join(workDir, 'go.sum'), file);
  return file;
}

/** Builds every binary of one manifest entry into binDir, one link at a time, reproducibly. */
export async function goBuild(
  build: GoBuild,
  workDir: string,
  binDir: string,
  toolchain: string,
): Promise<BuildResult> {
  const goSum = readGoSum(build);
  const { have, buildDate } = await prepare(build, workDir, toolchain, goSum);
  mkdirSync(binDir, { recursive: true });

  // The build date is the release's commit time, not the clock, so that the same pins give the same bytes.
  const vars = versionVars(build.version, buildDate);
  const ldflags = ['-s', '-w', ...(build.ldflags ?? []).map((f) => expand(f, vars))].join(' ');
  const recipe = recipeOf(build, toolchain, goSum);
  for (const bin of build.binaries) {
    const out = path.join(binDir, bin.name);
    const label = `${build.name} ${build.version}: building ${bin.name}`;
    progress(label);
    const t0 = Date.now();
    const args = [
      'build',
      ...BUILD_FLAGS,
      ...tagArgs(build),
      '-ldflags',
      ldflags,
      '-o',
      `${out}.partial`,
      bin.package,
    ];
    const r = await withHeartbeat(label, () => goRun(args, { toolchain, cwd: workDir, cgo: build.cgo }));
    if (r.exitCode !== 0) {
      rmSync(`${out}.partial`, { force: true });
      const detail = lastLines(r.stderr, 20);
      if (/no space left on device/i.test(detail)) throw noSpace(detail);
      if (/checksum mismatch|SECURITY ERROR/i.test(detail)) {
        throw new EnvironmentError(
          `go build of ${bin.package} refused a dependency whose hash differs from components/${build.name}/go.sum:\n${detail}`,
          `do not build it: find out why the module changed before touching components/${build.name}/go.sum`,
        );
      }
      if (/missing go\.sum entry|updates to go\.mod needed/i.test(detail)) {
        throw new EnvironmentError(
          `go build of ${bin.package} needs a dependency that components/${build.name}/go.sum does not list:\n${detail}`,
          `if components.json changed on purpose, run \`${UPDATE_GO_SUM}\` and review the go.sum diff`,
        );
      }
      throw new EnvironmentError(
        `go build of ${bin.package} (${build.module}@${build.version}) failed:\n${detail}`,
      );
    }
    renameSync(`${out}.partial`, out);
    progress(
      `${build.name} ${build.version}: built ${bin.name} in ${((Date.now() - t0) / 1000).toFixed(0)}s`,
    );
  }
  return { goVersion: have, recipe };
}
