import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError, errorMessage } from '../util/errors.ts';
import type { Scenario } from './types.ts';
import { SCENARIO_NAME, validateScenario } from './validate.ts';

export const shippedScenariosDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'scenarios',
);

export interface LoadedScenario {
  scenario: Scenario;
  /** Absolute path of the file it came from. */
  file: string;
  /** sha256 of the file's bytes, so a report says exactly which scenario ran. */
  sha256: string;
}

export interface LoadOptions {
  /** Where a relative path is resolved from. */
  cwd?: string;
  /** Where bare names are looked up. */
  scenariosDir?: string;
}

const FILE_EXTENSIONS = ['.ts', '.js', '.json'];
const LIST_HINT = 'run `npm run drill -- --list` to see them with what each one does';
const FILE_HINT =
  'or name your own scenario file with its extension, e.g. ./my-scenario.json, or ./my-scenario.ts ' +
  '(a module is code, and runs as root like the tool)';

/**
 * `etcd-partition` loads scenarios/etcd-partition.ts: a bare name must be a shipped scenario's, so it
 * never reaches a file elsewhere. Anything with an extension is the user's own file, resolved from the
 * working directory: JSON, or a .ts or .js module whose default export is the scenario. A module is
 * code and runs with the tool's privileges, as any program the user starts does.
 */
export async function loadScenario(nameOrPath: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  const dir = options.scenariosDir ?? shippedScenariosDir;
  if (SCENARIO_NAME.test(nameOrPath)) {
    const known = scenarioNames(dir);
    if (!known.includes(nameOrPath)) {
      throw new UsageError(
        `unknown scenario ${JSON.stringify(nameOrPath)}; known: ${known.join(', ')}`,
        `${LIST_HINT}, ${FILE_HINT}`,
      );
    }
    const file = path.join(dir, `${nameOrPath}.ts`);
    const loaded = await loadScenarioFile(file);
    // The name is what people type and what reports are filed under, so it must match the file.
    if (loaded.scenario.name !== nameOrPath) {
      throw new UsageError(
        `${displayPath(file)}: name: ${JSON.stringify(loaded.scenario.name)} differs from the file name; ` +
          `name it ${JSON.stringify(nameOrPath)}`,
      );
    }
    return loaded;
  }
  if (path.extname(nameOrPath) === '') {
    throw new UsageError(
      `scenario ${JSON.stringify(nameOrPath)} is neither a shipped scenario's name (lower-case letters, ` +
        `digits and dashes) nor a file with an extension; shipped: ${scenarioNames(dir).join(', ')}`,
      `run a shipped one by its name, ${FILE_HINT}`,
    );
  }
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  const cwd = options.cwd ?? process.env.INIT_CWD ?? process.cwd();
  return loadScenarioFile(path.resolve(cwd, nameOrPath));
}

export interface ScenarioListing {
  name: string;
  description: string;
  file: string;
  /** Why the file did not load; the listing still shows it rather than failing as a whole. */
  problem?: string;
}

/** The scenarios runnable by name, sorted by name. */
export async function listScenarios(scenariosDir = shippedScenariosDir): Promise<ScenarioListing[]> {
  const listings: ScenarioListing[] = [];
  for (const name of scenarioNames(scenariosDir)) {
    const file = path.join(scenariosDir, `${name}.ts`);
    try {
      const { scenario } = await loadScenario(name, { scenariosDir });
      listings.push({ name, description: scenario.description, file });
    } catch (err) {
      listings.push({ name, description: '', file, problem: errorMessage(err) });
    }
  }
  return listings;
}

export function scenarioNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -'.ts'.length))
    .filter((name) => SCENARIO_NAME.test(name))
    .sort();
}

async function loadScenarioFile(file: string): Promise<LoadedScenario> {
  const shown = displayPath(file);
  const ext = path.extname(file);
  if (!FILE_EXTENSIONS.includes(ext)) {
    throw new UsageError(
      `scenario file ${shown}: unsupported extension ${JSON.stringify(ext)}; use .ts, .js or .json`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(
      `cannot read scenario file ${shown}: ${errorMessage(err)}`,
      'check the path; `npm run drill -- --list` lists the shipped scenarios, which run by name',
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (ext === '.json') return { scenario: validateScenario(parseJson(bytes, shown), shown), file, sha256 };
  const data = await importDefault(file, shown);
  try {
    return { scenario: validateScenario(data, shown), file, sha256 };
  } catch (err) {
    // A module's export is code too: a getter that throws is the file's mistake, not the tool's.
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      `${shown}: reading its default export failed: ${errorMessage(err)}`,
      'export plain data (objects, lists, strings and numbers), as scenarios/*.ts do',
    );
  }
}

export function parseJson(bytes: Buffer, shown: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new UsageError(`${shown} is not valid JSON: ${errorMessage(err)}`);
  }
}

/** What a module file holds, for the messages about it. */
export interface ModuleKind {
  noun: string;
  define: string;
  from: string;
}
const SCENARIO_MODULE: ModuleKind = {
  noun: 'scenario',
  define: 'defineScenario',
  from: 'src/scenario/types.ts',
};

export async function importDefault(file: string, shown: string, kind = SCENARIO_MODULE): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(
      `cannot load ${kind.noun} file ${shown}: ${errorMessage(err)}`,
      `fix the error in the file; it must run under tsx and export the ${kind.noun} as its default export`,
    );
  }
  if (mod.default === undefined) {
    throw new UsageError(
      `${shown} has no default export`,
      `end the file with \`export default ${kind.define}({ ... })\` (from ${kind.from})`,
    );
  }
  return mod.default;
}

/** Relative to the working directory when inside it, so messages stay short. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
