import { Resolver } from 'node:dns/promises';
import type { NetnsResolver } from './netns-dns.ts';
import { shortError, type Probe, type ProbeResult } from './probe-loop.ts';

export const PROBE_DNS_NAME = 'kubernetes.default.svc.cluster.local';

/**
 * A lookup of kubernetes.default.svc.cluster.local at one DNS address, one try, no retries; made
 * from this process, or through `via` from inside the namespace where the address is routed.
 */
export function dnsProbe(
  name: string,
  server: string,
  timeoutMs: number,
  expectIp?: string,
  via?: NetnsResolver,
): Probe {
  let lookup: () => Promise<string[]>;
  if (via) {
    via.hold();
    lookup = () => via.resolve4(server, PROBE_DNS_NAME, timeoutMs);
  } else {
    const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
    resolver.setServers([server]);
    lookup = () => resolver.resolve4(PROBE_DNS_NAME);
  }
  return {
    name,
    target: server,
    async once(): Promise<ProbeResult> {
      try {
        const ips = await lookup();
        if (expectIp && !ips.includes(expectIp))
          return { outcome: 'error', detail: `answered ${ips.join(',')}` };
        return { outcome: 'ok' };
      } catch (err) {
        const code = (err as { code?: string }).code;
        return { outcome: code === 'ETIMEOUT' ? 'timeout' : 'error', detail: shortError(err) };
      }
    },
    close: via ? () => via.release() : undefined,
  };
}
