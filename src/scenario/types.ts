import type { z } from 'zod';
import type { scenarioSchema } from './schema.ts';

/**
 * A scenario is plain data: which cluster it needs, how it loads it, which faults it injects for
 * how long, and the SLOs a run is judged by. Its one description is the schema in schema.ts (every
 * field with its default, published as scenario.schema.json); these types are inferred from it.
 * Users write a `ScenarioInput` (only name, description and faults are required); loading validates
 * it into a complete `Scenario` with every default filled in, which is what the drill runs and what
 * report.json records.
 */
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Phases = Scenario['phases'];
export type FaultSpec = Scenario['faults'][number];

export {
  DEFAULT_LOAD,
  DEFAULT_MIX,
  DEFAULT_PHASES,
  DEFAULT_SUSTAIN_SECONDS,
  ETCD_TOPOLOGIES,
  OPERATIONS,
} from './schema.ts';
export { FAULT_KINDS } from '../faults/registry.ts';
export { DEFAULT_SLOS } from '../analysis/verdict.ts';

/**
 * Types a scenario file: `export default defineScenario({ ... })`. It returns its argument
 * unchanged; validation and defaults happen when the file is loaded, so a mistake is reported with
 * the file's name.
 */
export function defineScenario(scenario: ScenarioInput): ScenarioInput {
  return scenario;
}
