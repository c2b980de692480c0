/** report.md's section on the control loops behind leader elections: leases and new workloads. */
import type { AnalysisFigures } from '../analysis/analyze.ts';
import { seconds } from '../analysis/format.ts';
import { code, md, table } from './md.ts';

export function controlLoopsSection(a: AnalysisFigures): string | undefined {
  const c = a.controlLoops;
  if (!c || (c.leases.length === 0 && !c.workloads)) return undefined;
  const injected = a.run.faultInjectedAt !== undefined;
  const parts = ['## Control loops'];
  if (c.leases.length > 0) {
    parts.push(
      'Each lease in kube-system is read through the load balancer; a holder is `<hostname>_<uuid>`, so an ' +
        `instance restarted on the same node is a new holder. Bound: ${md(c.bound.formula)}: ${md(c.bound.basis)}`,
    );
    const rows = c.leases.map((l) => [
      code(l.lease),
      l.holderAtInjection ? code(l.holderAtInjection) : 'none seen',
      l.newHolder ? code(l.newHolder) : injected ? 'no other holder seen' : '-',
      l.newHolderAfterMs === undefined
        ? '-'
        : `${seconds(l.newHolderAfterMs)} (${l.withinBound ? 'within' : '**beyond**'} ${seconds(c.bound.ms)})`,
      String(l.changes.length - 1),
    ]);
    parts.push(
      table(['Lease', 'Holder at injection', 'Next holder', 'Taken over after', 'Changes'], rows, [
        'l',
        'l',
        'l',
        'r',
        'r',
      ]),
    );
  }
  const w = c.workloads;
  if (w) {
    const figure = (ms: number | null) => (ms === null ? '-' : seconds(ms));
    parts.push(
      'Every 2 s a one-replica Deployment is created and timed until its pod is Running (the ' +
        'controller-manager makes the pod, the scheduler binds it, the node runs it), then deleted.',
      table(
        ['Figure', 'Value'],
        [
          ['Deployments created / with a Running pod', `${w.created} / ${w.running}`],
          ['Create to Running before the fault (median)', figure(w.baselineMedianMs)],
          ['First Deployment created after the injection Running after', figure(w.runningAgainAfterMs)],
          ['Slowest created during the fault', figure(w.slowestDuringFaultMs)],
        ],
        ['l', 'r'],
      ),
    );
  }
  return parts.join('\n\n');
}
