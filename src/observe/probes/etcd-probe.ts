import { etcdStatus } from '../../cluster/health.ts';
import type { TlsMaterial } from '../../util/tls-client.ts';
import type { Recorder } from '../recorder.ts';
import { isTimeout, shortError, type Probe, type ProbeResult } from './probe-loop.ts';

/** Each etcd member's own view (who leads, which term), straight from the member. */
export function etcdMemberProbe(
  member: string,
  clientUrl: string,
  tls: TlsMaterial,
  timeoutMs: number,
  recorder: Recorder,
): Probe {
  return {
    name: `etcd:${member}`,
    target: clientUrl,
    async once(): Promise<ProbeResult> {
      const at = Date.now();
      try {
        const s = await etcdStatus(clientUrl, tls, timeoutMs);
        const ok = s.leader !== '0';
        recorder.timeline.etcdStatus.push({
          at,
          member,
          ok,
          leader: s.leader,
          id: s.id,
          raftTerm: s.raftTerm,
        });
        return ok ? { outcome: 'ok' } : { outcome: 'error', detail: 'member knows no leader' };
      } catch (err) {
        recorder.timeline.etcdStatus.push({ at, member, ok: false });
        return { outcome: isTimeout(err) ? 'timeout' : 'error', detail: shortError(err) };
      }
    },
  };
}
