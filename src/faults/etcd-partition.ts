import type { ClusterControl } from '../cluster/control.ts';
import { now } from '../observe/clock.ts';
import type { Recorder } from '../observe/recorder.ts';
import { currentEtcdLeader } from './etcd-leader.ts';
import type { Fault, InjectionRecord } from './fault.ts';

/**
 * Isolates one node (the etcd leader by default) from its peers with packet
 * drops in the kernel, inside the node's namespace: etcd peers, apiserver and
 * everything else between nodes. The host still reaches the node, as a load
 * balancer on another network would.
 */
export class EtcdPartition implements Fault {
  readonly kind = 'etcd-partition';
  private node?: string;

  constructor(private readonly target: string) {}

  async inject(ctl: ClusterControl, recorder: Recorder): Promise<InjectionRecord> {
    let why = '';
    if (this.target === 'leader') {
      const leader = await currentEtcdLeader(ctl);
      this.node = leader.node;
      why = ` (etcd leader, member ${leader.id})`;
    } else {
      this.node = this.target;
    }
    // Stamped when the fault begins to act, so that failover is never counted short.
    const at = now();
    const rules = await ctl.isolate(this.node);
    const description = `partition ${this.node}${why} from its peers: ${rules.length} DROP rules`;
    recorder.event(
      'fault-inject',
      description,
      { fault: this.kind, node: this.node, rules: rules.length },
      at,
    );
    return { description, node: this.node, data: { rules: rules.join('\n') } };
  }

  async heal(ctl: ClusterControl, recorder: Recorder): Promise<void> {
    if (!this.node) return;
    // The heal is stamped when it begins: what it takes to undo the fault is part of the recovery.
    const at = now();
    await ctl.heal(this.node);
    recorder.event(
      'fault-heal',
      `partition of ${this.node} healed: DROP rules removed`,
      {
        fault: this.kind,
        node: this.node,
      },
      at,
    );
    this.node = undefined;
  }
}
