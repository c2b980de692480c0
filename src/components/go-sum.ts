import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, type GoBuild } from './manifest.ts';
import { EnvironmentError } from '../util/errors.ts';

/**
 * The go.sum of each build's wrapper module is committed beside components.json and builds run
 * with -mod=readonly: a dependency whose hash changed fails the build instead of being trusted anew.
 */
export function goSumPath(build: GoBuild, root = repoRoot): string {
  return path.join(root, 'components', build.name, 'go.sum');
}

export const UPDATE_GO_SUM = 'npm run setup -- --update-go-sum';

export function readGoSum(build: GoBuild, root = repoRoot): string {
  const file = goSumPath(build, root);
  if (!existsSync(file)) {
    throw new EnvironmentError(
      `${path.relative(root, file)} is missing: the build of ${build.module}@${build.version} has no recorded dependency hashes`,
      `run \`${UPDATE_GO_SUM}\` (hashes are checked against sum.golang.org), review and commit the file`,
    );
  }
  return readFileSync(file, 'utf8');
}

/** The h1: hash go.sum records for a module's zip, if any. */
export function goSumHash(goSum: string, module: string, version: string): string | undefined {
  for (const line of goSum.split('\n')) {
    const [m, v, h] = line.trim().split(/\s+/);
    if (m === module && v === version) return h;
  }
  return undefined;
}

/** The module the proxy served must be the one go.sum recorded; says which it is when not. */
export function requireGoSumEntry(build: GoBuild, goSum: string, module: string, sum: string): void {
  const file = `components/${build.name}/go.sum`;
  const recorded = goSumHash(goSum, module, build.version);
  if (recorded === undefined) {
    throw new EnvironmentError(
      `${file} has no hash for ${module}@${build.version} (was components.json changed to a new version?)`,
      `run \`${UPDATE_GO_SUM}\`, review the new hashes and commit ${file}`,
    );
  }
  if (recorded !== sum) {
    throw new EnvironmentError(
      `${module}@${build.version} from the module proxy has hash ${sum}, but ${file} records ${recorded}`,
      `do not build it: the module changed after it was recorded; find out why before updating ${file}`,
    );
  }
}
