/**
 * A game-day suite: the drills to run in one go, in order, each optionally with the command line's
 * overrides (rate, phase lengths). Validated like a scenario: every problem named by its path. A
 * suite file is JSON, or a .ts/.js module whose default export is the suite (see suites/).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z, ZodError } from 'zod';
import { strictObject } from '../schema/building-blocks.ts';
import { mustBe } from '../schema/messages.ts';
import { pathText, problemLines } from '../schema/problems.ts';
import { RATE, PHASE_SECONDS } from '../scenario/limits.ts';
import { importDefault, parseJson } from '../scenario/load.ts';
import { SCENARIO_NAME } from '../scenario/validate.ts';
import { numberField } from '../scenario/schema.ts';
import { duration } from '../scenario/duration-field.ts';
import { UsageError } from '../util/errors.ts';

export const shippedSuitesDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'suites',
);
/** The suite run when none is named: every shipped drill the provider can run. */
export const DEFAULT_SUITE = 'default';
const MAX_DRILLS = 100;

const drillEntry = strictObject(
  {
    scenario: z
      .string({
        error: mustBe('a shipped scenario name (see `npm run drill -- --list`) or a scenario file path'),
      })
      .min(1, { error: mustBe('a shipped scenario name or a scenario file path') }),
    rate: numberField(RATE).optional().describe("Replaces the scenario's load.rate, as --rate does."),
    baselineSeconds: duration('s', PHASE_SECONDS, 'Replaces the baseline, as --baseline does.').optional(),
    holdSeconds: duration('s', PHASE_SECONDS, 'Replaces the hold, as --hold does.').optional(),
    recoverySeconds: duration('s', PHASE_SECONDS, 'Replaces the recovery, as --recovery does.').optional(),
  },
  'key',
);

export const suiteSchema = strictObject(
  {
    $schema: z
      .string({ error: mustBe('the path or URL of schemas/suite.schema.json') })
      .optional()
      .describe('Where editors find this schema; ignored by the tool.'),
    name: z
      .string({ error: mustBe('lower-case letters, digits and dashes') })
      .regex(SCENARIO_NAME, { error: mustBe('lower-case letters, digits and dashes') }),
    description: z
      .string({ error: mustBe('one line saying what the suite shows') })
      .min(1, { error: mustBe('one line saying what the suite shows') }),
    /** A scenario name or file, or an object with the scenario and its overrides. */
    drills: z
      .array(
        z.union(
          [
            z
              .string()
              .min(1)
              .transform((scenario) => ({ scenario })),
            drillEntry,
          ],
          {
            error: mustBe(
              'a scenario name or file, or { scenario, rate?, baselineSeconds?, holdSeconds?, recoverySeconds? }',
            ),
          },
        ),
        { error: mustBe(`a list of 1 to ${MAX_DRILLS} drills`) },
      )
      .min(1, { error: mustBe(`a list of 1 to ${MAX_DRILLS} drills`) })
      .max(MAX_DRILLS, { error: mustBe(`a list of 1 to ${MAX_DRILLS} drills`) }),
    /** Stop at the first drill that fails an SLO or cannot run; default: run them all. */
    stopOnFailure: z.boolean({ error: mustBe('true or false') }).default(false),
  },
  'key',
);

export type Suite = z.output<typeof suiteSchema>;
export type SuiteInput = z.input<typeof suiteSchema>;
export type SuiteDrill = Suite['drills'][number];

/** Types a suite module's default export. */
export function defineSuite(suite: SuiteInput): SuiteInput {
  return suite;
}

export interface LoadedSuite {
  suite: Suite;
  /** The file it came from; absent for the default suite, which no file holds. */
  file?: string;
  sha256?: string;
}

export function validateSuite(input: unknown, source: string): Suite {
  const result = suiteSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = problemLines(result.error as ZodError, (p) => pathText(p) || 'suite');
  throw new UsageError(
    `${source} is not a valid suite (${lines.length === 1 ? '1 problem' : `${lines.length} problems`}):\n${lines.map((l) => `  ${l}`).join('\n')}`,
    'correct the fields named above; suites/*.ts are complete examples',
  );
}

export function suiteNames(dir = shippedSuitesDir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .filter((n) => SCENARIO_NAME.test(n))
    .sort();
}

/**
 * A shipped suite by name (suites/<name>.ts), `default` (built by the caller from the shipped
 * scenarios), or the user's own file by a path with its extension.
 */
export async function loadSuite(
  nameOrPath: string,
  cwd = process.env.INIT_CWD ?? process.cwd(),
): Promise<LoadedSuite | undefined> {
  if (nameOrPath === DEFAULT_SUITE) return undefined;
  let file: string;
  if (SCENARIO_NAME.test(nameOrPath)) {
    const known = suiteNames();
    if (!known.includes(nameOrPath))
      throw new UsageError(
        `unknown suite ${JSON.stringify(nameOrPath)}; known: ${[DEFAULT_SUITE, ...known].join(', ')}`,
        'name a shipped suite, or your own suite file with its extension, e.g. ./nightly.json',
      );
    file = path.join(shippedSuitesDir, `${nameOrPath}.ts`);
  } else if (['.json', '.ts', '.js'].includes(path.extname(nameOrPath))) {
    file = path.resolve(cwd, nameOrPath);
  } else {
    throw new UsageError(
      `suite ${JSON.stringify(nameOrPath)} is neither a shipped suite's name nor a .json, .ts or .js file`,
      `shipped: ${[DEFAULT_SUITE, ...suiteNames()].join(', ')}`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read suite file ${file}: ${(err as Error).message}`, 'check the path');
  }
  const data =
    path.extname(file) === '.json'
      ? parseJson(bytes, file)
      : await importDefault(file, file, {
          noun: 'suite',
          define: 'defineSuite',
          from: 'src/gameday/suite.ts',
        });
  const suite = validateSuite(data, file);
  if (SCENARIO_NAME.test(nameOrPath) && suite.name !== nameOrPath)
    throw new UsageError(
      `${file}: name: ${JSON.stringify(suite.name)} differs from the file name; name it ${JSON.stringify(nameOrPath)}`,
    );
  return { suite, file, sha256: createHash('sha256').update(bytes).digest('hex') };
}
