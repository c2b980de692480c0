import type { ClusterControl } from '../cluster/control.ts';
import { now } from '../observe/clock.ts';
import type { Recorder } from '../observe/recorder.ts';
import type { Fault, InjectionRecord } from './fault.ts';

/**
 * SIGKILL of one control-plane process. There is nothing to undo; healing
 * means the supervisor has run it again, which heal() waits for (bounded) and
 * records, so the report can show the old pid gone and a new one serving.
 */
export class ProcessKill implements Fault {
  private killed?: { pid: number; node: string; component: string };

  constructor(
    readonly kind: string,
    private readonly pick: (ctl: ClusterControl) => Promise<{ component: string; node: string; why: string }>,
    private readonly restartTimeoutMs = 60_000,
  ) {}

  async inject(ctl: ClusterControl, recorder: Recorder): Promise<InjectionRecord> {
    const { component, node, why } = await this.pick(ctl);
    // Stamped when the fault begins to act, so that failover is never counted short.
    const at = now();
    const pid = await ctl.kill(component, node, 'SIGKILL');
    this.killed = { pid, node, component };
    const description = `SIGKILL ${component} on ${node} (pid ${pid})${why ? `: ${why}` : ''}`;
    recorder.event('fault-inject', description, { fault: this.kind, component, node, pid }, at);
    return { description, node, data: { component, pid } };
  }

  async heal(ctl: ClusterControl, recorder: Recorder): Promise<void> {
    if (!this.killed) return;
    // The heal is stamped when it begins: what it takes to undo the fault is part of the recovery.
    const at = now();
    const { pid, node, component } = this.killed;
    const newPid = await ctl.waitRestarted(component, node, pid, this.restartTimeoutMs);
    recorder.event(
      'fault-heal',
      `${component} on ${node} runs again as pid ${newPid} (was ${pid})`,
      {
        fault: this.kind,
        component,
        node,
        oldPid: pid,
        newPid,
      },
      at,
    );
    this.killed = undefined;
  }
}
