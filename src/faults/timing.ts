/**
 * When a fault of a scenario goes in and how long it stays: `at` and `for`, beside its kind and
 * target. Without them a fault is in for the whole hold; with them faults chain (one after another,
 * or one inside another). schedule.ts turns them into the drill's order of steps.
 */
import { duration } from '../scenario/duration-field.ts';
import { MAX_PHASE_SECONDS, PHASE_SECONDS } from '../scenario/limits.ts';

export const FAULT_TIMING = {
  at: duration(
    's',
    { min: 0, max: MAX_PHASE_SECONDS },
    'When the fault goes in, counted from the start of the hold. Default 0: at once.',
  ).optional(),
  for: duration(
    's',
    PHASE_SECONDS,
    'How long the fault stays in. Default: until the hold ends, when the faults still in are healed in ' +
      'the reverse order of their injection.',
  ).optional(),
};

export interface FaultTiming {
  at?: number;
  for?: number;
}
