import type { ApiClient } from '../../util/api-client.ts';
import { errorMessage } from '../../util/errors.ts';
import { now } from '../clock.ts';
import type { MetricsScrape } from '../timeline.ts';

/**
 * The few series of a Prometheus text page the cross-checks read, summed over their labels:
 * name -> total. A series is counted when `keep` accepts its labels.
 */
export function sumSeries(
  text: string,
  name: string,
  keep: (labels: string) => boolean = () => true,
): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const labels = rest[0] === '{' ? rest.slice(1, rest.indexOf('}')) : '';
    if (!keep(labels)) continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

const CODE_5XX = /(^|,)code="5\d\d"/;

/** etcd's counters: leader changes this member has seen, and when the process started. */
export function etcdCounters(text: string): { values: Record<string, number>; processStartSeconds?: number } {
  const values: Record<string, number> = {};
  const changes = sumSeries(text, 'etcd_server_leader_changes_seen_total');
  if (changes !== undefined) values.leader_changes = changes;
  const start = sumSeries(text, 'process_start_time_seconds');
  return start === undefined ? { values } : { values, processStartSeconds: start };
}

/** An apiserver's counters: 5xx answers it counted (the timeout filter's 504s are counted apart). */
export function apiserverCounters(text: string): {
  values: Record<string, number>;
  processStartSeconds?: number;
} {
  const is5xx = (labels: string) => CODE_5XX.test(labels);
  const answered = sumSeries(text, 'apiserver_request_total', is5xx) ?? 0;
  const terminated = sumSeries(text, 'apiserver_request_terminations_total', is5xx) ?? 0;
  const start = sumSeries(text, 'process_start_time_seconds');
  const values = { requests_5xx: answered + terminated };
  return start === undefined ? { values } : { values, processStartSeconds: start };
}

/** One scrape of every etcd member's and every apiserver's counters, each over its own TLS client. */
export async function scrapeCounters(
  etcdMembers: Record<string, { client: ApiClient; path: string }>,
  apiservers: Record<string, ApiClient>,
  timeoutMs = 5000,
): Promise<MetricsScrape[]> {
  const one = async (
    component: MetricsScrape['component'],
    member: string,
    client: ApiClient,
    path: string,
    parse: (text: string) => { values: Record<string, number>; processStartSeconds?: number },
  ): Promise<MetricsScrape> => {
    const at = now();
    try {
      const r = await client.request(path, { timeoutMs });
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      return { at, component, member, ok: true, ...parse(r.body) };
    } catch (err) {
      return { at, component, member, ok: false, error: errorMessage(err), values: {} };
    }
  };
  return Promise.all([
    ...Object.entries(etcdMembers).map(([member, m]) => one('etcd', member, m.client, m.path, etcdCounters)),
    ...Object.entries(apiservers).map(([member, client]) =>
      one('kube-apiserver', member, client, '/metrics', apiserverCounters),
    ),
  ]);
}
