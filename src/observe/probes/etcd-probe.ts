import { parseEtcdStatus } from '../../cluster/health.ts';
import type { ApiClient } from '../../util/api-client.ts';
import { now } from '../clock.ts';
import type { Recorder } from '../recorder.ts';
import { isTimeout, shortError, type Probe, type ProbeResult } from './probe-loop.ts';

/**
 * Each etcd member's own view (who leads, which term), straight from the member, on a kept-alive
 * connection. Stamped when the answer arrived: a member that has just started holds its answer until
 * it knows a leader, so the moment of asking would date the new leader too early.
 */
export function etcdMemberProbe(
  member: string,
  client: ApiClient,
  timeoutMs: number,
  recorder: Recorder,
): Probe {
  return {
    name: `etcd:${member}`,
    target: client.target,
    async once(): Promise<ProbeResult> {
      try {
        const s = parseEtcdStatus(
          await client.request('/v3/maintenance/status', { method: 'POST', body: '{}', timeoutMs }),
        );
        const ok = s.leader !== '0';
        recorder.etcdStatus({ at: now(), member, ok, leader: s.leader, id: s.id, raftTerm: s.raftTerm });
        return ok ? { outcome: 'ok' } : { outcome: 'error', detail: 'member knows no leader' };
      } catch (err) {
        recorder.etcdStatus({ at: now(), member, ok: false });
        return { outcome: isTimeout(err) ? 'timeout' : 'error', detail: shortError(err) };
      }
    },
    close: () => client.close(),
  };
}
