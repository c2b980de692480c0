import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GoBuild } from './manifest.ts';
import { downloadModule, goBinary, goEnv, noSpace, requireGo } from './go-toolchain.ts';
import { expand, versionVars } from './version-check.ts';
import { EnvironmentError } from '../util/errors.ts';
import { lastLines, run } from '../util/exec.ts';
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

/** Builds every binary of one manifest entry into binDir, one link at a time. */
export async function goBuild(
  build: GoBuild,
  workDir: string,
  binDir: string,
  buildDate: string,
): Promise<void> {
  const where = `components.json goBuilds "${build.name}"`;
  progress(`${build.name} ${build.version}: fetching ${build.module} from the Go module proxy`);
  const main = await downloadModule(build.module, build.version, where);
  for (const m of build.extraModules ?? []) await downloadModule(m, build.version, where);
  const goMod = readFileSync(main.goModFile, 'utf8');
  const goVersion = goDirective(goMod) ?? '1.22';
  await requireGo(goVersion, `${build.module}@${build.version}`);
  const staging = build.replaceStagingModules ? stagingModules(goMod) : [];
  if (build.replaceStagingModules && staging.length === 0) {
    throw new EnvironmentError(
      `${build.module}@${build.version}: its go.mod lists no ./staging modules to replace`,
    );
  }

  mkdirSync(workDir, { recursive: true });
  mkdirSync(binDir, { recursive: true });
  writeFileSync(path.join(workDir, 'go.mod'), wrapperGoMod(build, goVersion, staging));
  rmSync(path.join(workDir, 'go.sum'), { force: true });

  const vars = versionVars(build.version, buildDate);
  const ldflags = ['-s', '-w', ...(build.ldflags ?? []).map((f) => expand(f, vars))].join(' ');
  for (const bin of build.binaries) {
    const out = path.join(binDir, bin.name);
    const label = `${build.name} ${build.version}: building ${bin.name}`;
    progress(label);
    const t0 = Date.now();
    const r = await withHeartbeat(label, () =>
      run(goBinary(), ['build', '-trimpath', '-ldflags', ldflags, '-o', `${out}.partial`, bin.package], {
        cwd: workDir,
        env: goEnv(),
        allowFailure: true,
      }),
    );
    if (r.exitCode !== 0) {
      rmSync(`${out}.partial`, { force: true });
      const detail = lastLines(r.stderr, 20);
      if (/no space left on device/i.test(detail)) throw noSpace(detail);
      throw new EnvironmentError(
        `go build of ${bin.package} (${build.module}@${build.version}) failed:\n${detail}`,
      );
    }
    renameSync(`${out}.partial`, out);
    progress(
      `${build.name} ${build.version}: built ${bin.name} in ${((Date.now() - t0) / 1000).toFixed(0)}s`,
    );
  }
}
