import { ZodError } from 'zod';
import { pathText, problemLines } from '../schema/problems.ts';
import { checkFault } from '../faults/check-fault.ts';
import { UsageError } from '../util/errors.ts';
import { scenarioSchema } from './schema.ts';
import type { Scenario } from './types.ts';

export { SCENARIO_NAME } from './schema.ts';

export type ScenarioCheck = { ok: true; scenario: Scenario } | { ok: false; problems: string[] };

/** The whole input is "scenario"; a field by its path, `load.mix.put`. */
const at = (path: readonly PropertyKey[]) => pathText(path) || 'scenario';

/**
 * The schema's issues as `path: message` lines, one per problem; a fault by its own kind's checks,
 * which say what a role-aimed fault must look like (the union of kinds alone could not).
 */
function scenarioProblems(error: ZodError, input: unknown): string[] {
  const faultsDone = new Set<number>();
  const lines = error.issues.flatMap((issue) => {
    const [first, index] = issue.path;
    if (first !== 'faults' || typeof index !== 'number') return problemLines(new ZodError([issue]), at);
    if (faultsDone.has(index)) return [];
    faultsDone.add(index);
    // An issue under faults[i] means the input is an object with a list there.
    const check = checkFault((input as { faults: unknown[] }).faults[index], `faults[${index}]`);
    // A fault valid on its own breaks a rule between fields (its timing against the hold).
    return check.ok ? problemLines(new ZodError([issue]), at) : check.problems;
  });
  return [...new Set(lines)];
}

/** Checks untyped input (a user's file) and fills in defaults; lists every problem as `path: message`. */
export function checkScenario(input: unknown): ScenarioCheck {
  const result = scenarioSchema.safeParse(input);
  return result.success
    ? { ok: true, scenario: result.data }
    : { ok: false, problems: scenarioProblems(result.error, input) };
}

/** checkScenario, throwing one UsageError that lists every problem. `source` names the file. */
export function validateScenario(input: unknown, source = 'the scenario'): Scenario {
  const result = checkScenario(input);
  if (result.ok) return result.scenario;
  const count = result.problems.length === 1 ? '1 problem' : `${result.problems.length} problems`;
  throw new UsageError(
    `${source} is not a valid scenario (${count}):\n${result.problems.map((line) => `  ${line}`).join('\n')}`,
    'correct the fields named above; scenario.schema.json describes every field with its default, ' +
      'and scenarios/*.ts are complete examples',
  );
}
