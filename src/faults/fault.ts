import type { Recorder } from '../observe/recorder.ts';
import type { AcquiredCluster, Disruption } from '../providers/provider.ts';
import type { FaultContext } from './fault-kind.ts';
import { faultKindOf, type FaultSpec } from './registry.ts';

/**
 * One fault of a scenario in a drill: put in effect, recorded in the timeline when it began to act,
 * and healed. heal() is idempotent and may run after a failed inject(), twice, or on Ctrl-C; the
 * provider's verbs undo what a half-done verb made before they throw.
 */
export class ScenarioFault {
  readonly kind: string;
  private disruption?: Disruption;

  constructor(
    readonly spec: FaultSpec,
    private readonly ctx: FaultContext,
  ) {
    this.kind = spec.kind;
  }

  /** Returns the description of what was done. */
  async inject(cluster: AcquiredCluster, recorder: Recorder): Promise<string> {
    const d = await faultKindOf(this.spec).act(this.spec, cluster, this.ctx);
    this.disruption = d;
    recorder.event('fault-inject', d.description, { fault: this.kind, ...d.data }, d.at);
    return d.description;
  }

  async heal(recorder: Recorder): Promise<void> {
    const step = await this.disruption?.heal();
    this.disruption = undefined;
    if (step) recorder.event('fault-heal', step.description, { fault: this.kind, ...step.data }, step.at);
  }
}
