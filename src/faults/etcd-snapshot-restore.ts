import path from 'node:path';
import { apiserverReady } from '../cluster/health.ts';
import type { ClusterControl } from '../cluster/control.ts';
import { now } from '../observe/clock.ts';
import type { Recorder } from '../observe/recorder.ts';
import { loadTls } from '../util/tls-client.ts';
import { waitUntil } from '../util/wait-until.ts';
import type { Fault, InjectionRecord } from './fault.ts';

/**
 * A botched restore from backup: a snapshot is taken when the fault is
 * injected; at heal every member is restored from it. Every write
 * acknowledged during the hold is lost on purpose, so this drill shows the
 * lost-write check catching a real loss (its lost-writes SLO must fail).
 */
export class EtcdSnapshotRestore implements Fault {
  readonly kind = 'etcd-snapshot-restore';
  private snapshot?: string;

  constructor(private readonly workDir: string) {}

  async inject(ctl: ClusterControl, recorder: Recorder): Promise<InjectionRecord> {
    this.snapshot = path.join(this.workDir, 'etcd-snapshot.db');
    const revision = await ctl.saveEtcdSnapshot(this.snapshot);
    const description = `etcd snapshot taken at revision ${revision}; every member will be restored from it at heal`;
    recorder.event('fault-inject', description, { fault: this.kind, revision });
    return { description, node: 'all', data: { revision } };
  }

  async heal(ctl: ClusterControl, recorder: Recorder): Promise<void> {
    if (!this.snapshot) return;
    // The heal is stamped when it begins: what it takes to undo the fault is part of the recovery.
    const at = now();
    const file = this.snapshot;
    this.snapshot = undefined;
    recorder.event('note', 'stopping every apiserver and etcd member to restore the snapshot');
    await ctl.restoreEtcdSnapshot(file);
    const tls = loadTls(ctl.info.adminTls);
    await waitUntil(() => apiserverReady(ctl.info.endpoints.apiServer, tls), {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'the API to come back after the etcd restore',
    });
    recorder.event(
      'fault-heal',
      'every etcd member restored from the snapshot; apiservers started again',
      {
        fault: this.kind,
      },
      at,
    );
  }
}
