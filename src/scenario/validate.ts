import type { z } from 'zod';
import { checkFault } from '../faults/check-fault.ts';
import { UsageError } from '../util/errors.ts';
import { scenarioSchema } from './schema.ts';
import type { Scenario } from './types.ts';

export { SCENARIO_NAME } from './schema.ts';

export type ScenarioCheck = { ok: true; scenario: Scenario } | { ok: false; problems: string[] };

/** `faults[0].kind`, `load.mix.put`; the whole input is "scenario". */
function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path)
    text += typeof key === 'number' ? `[${key}]` : text ? `.${String(key)}` : String(key);
  return text || 'scenario';
}

/**
 * The schema's issues as `path: message` lines, one per problem: an unknown key on its own path, and a
 * fault by its own kind's checks (which say what a role-aimed fault must look like).
 */
function problemLines(error: z.ZodError, input: unknown): string[] {
  const lines: string[] = [];
  const faultsDone = new Set<number>();
  for (const issue of error.issues) {
    const [first, index] = issue.path;
    if (first === 'faults' && typeof index === 'number') {
      if (faultsDone.has(index)) continue;
      faultsDone.add(index);
      const item = (input as { faults: unknown[] }).faults[index];
      const check = checkFault(item, `faults[${index}]`);
      lines.push(...(check.ok ? [`faults[${index}]: ${issue.message}`] : check.problems));
    } else if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${pathText([...issue.path, key])}: ${issue.message}`);
    } else {
      lines.push(`${pathText(issue.path)}: ${issue.message}`);
    }
  }
  return [...new Set(lines)];
}

/** Checks untyped input (a user's file) and fills in defaults; lists every problem as `path: message`. */
export function checkScenario(input: unknown): ScenarioCheck {
  const result = scenarioSchema.safeParse(input);
  return result.success
    ? { ok: true, scenario: result.data }
    : { ok: false, problems: problemLines(result.error, input) };
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
