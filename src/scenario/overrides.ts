import type { Phases, Scenario } from './types.ts';
import { validateScenario } from './validate.ts';

/** Command-line settings that replace the scenario's own (--rate, --baseline, --hold, --recovery). */
export interface ScenarioOverrides {
  rate?: number;
  baselineSeconds?: number;
  holdSeconds?: number;
  recoverySeconds?: number;
}

/**
 * The scenario with the overrides applied, validated again: a value fine on
 * its own can still clash with the rest (a hold shorter than the probe interval).
 */
export function applyOverrides(scenario: Scenario, overrides: ScenarioOverrides): Scenario {
  const { rate, ...phaseOverrides } = overrides;
  const phases: Partial<Phases> = Object.fromEntries(
    Object.entries(phaseOverrides).filter(([, seconds]) => seconds !== undefined),
  );
  // Named by the same paths as the error lines, so a clash is traced to its override.
  const applied = [
    ...(rate === undefined ? [] : [`load.rate=${rate}`]),
    ...Object.entries(phases).map(([key, seconds]) => `phases.${key}=${seconds}`),
  ];
  if (applied.length === 0) return scenario;
  return validateScenario(
    {
      ...scenario,
      load: { ...scenario.load, rate: rate ?? scenario.load.rate },
      phases: { ...scenario.phases, ...phases },
    },
    `scenario ${scenario.name} with ${applied.join(', ')}`,
  );
}
