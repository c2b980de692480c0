import type { FaultSpec } from '../scenario/types.ts';
import { currentEtcdLeader } from './etcd-leader.ts';
import { EtcdPartition } from './etcd-partition.ts';
import { EtcdSnapshotRestore } from './etcd-snapshot-restore.ts';
import type { Fault } from './fault.ts';
import { ProcessKill } from './process-kill.ts';

/** Makes the fault a scenario asks for. */
export function faultFor(spec: FaultSpec, workDir: string, random: () => number = Math.random): Fault {
  switch (spec.kind) {
    case 'apiserver-kill':
      return new ProcessKill(spec.kind, async (ctl) => {
        const node =
          spec.target === 'random'
            ? ctl.info.nodes[Math.floor(random() * ctl.info.nodes.length)]!.name
            : spec.target;
        return { component: 'kube-apiserver', node, why: '' };
      });
    case 'etcd-leader-kill':
      return new ProcessKill(spec.kind, async (ctl) => {
        const leader = await currentEtcdLeader(ctl);
        return {
          component: 'etcd',
          node: leader.node,
          why: `the etcd leader (member ${leader.id}) at this moment`,
        };
      });
    case 'etcd-partition':
      return new EtcdPartition(spec.target);
    case 'etcd-snapshot-restore':
      return new EtcdSnapshotRestore(workDir);
    case 'coredns-kill':
      return new ProcessKill(spec.kind, async (ctl) => {
        const node = ctl.info.endpoints.dnsReplicas[spec.replica]!;
        const host = ctl.info.nodes.find((n) => node.startsWith(`${n.ip}:`))!;
        return { component: `coredns-${spec.replica}`, node: host.name, why: `replica ${spec.replica}` };
      });
  }
}
