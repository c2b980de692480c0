import { Resolver } from 'node:dns/promises';
import { shortError, type Probe, type ProbeResult } from './probe-loop.ts';

export const PROBE_DNS_NAME = 'kubernetes.default.svc.cluster.local';

/** A lookup of kubernetes.default.svc.cluster.local at one DNS address, one try, no retries. */
export function dnsProbe(name: string, server: string, timeoutMs: number, expectIp?: string): Probe {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([server]);
  return {
    name,
    target: server,
    async once(): Promise<ProbeResult> {
      try {
        const ips = await resolver.resolve4(PROBE_DNS_NAME);
        if (expectIp && !ips.includes(expectIp))
          return { outcome: 'error', detail: `answered ${ips.join(',')}` };
        return { outcome: 'ok' };
      } catch (err) {
        const code = (err as { code?: string }).code;
        return { outcome: code === 'ETIMEOUT' ? 'timeout' : 'error', detail: shortError(err) };
      }
    },
  };
}
