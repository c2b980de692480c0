import https from 'node:https';
import type { TlsMaterial } from '../../util/tls-client.ts';
import type { Recorder } from '../recorder.ts';
import { PROBE_NAMESPACE } from './api-probes.ts';
import { shortError } from './probe-loop.ts';

/**
 * A watch on the write probe's ConfigMaps through the load balancer, as a
 * controller would hold one. Every acknowledged write must arrive as an event:
 * one sample per write (ok with its delivery latency, or timeout when it has
 * not arrived within the timeout), and an error sample for every broken
 * stream or failed reconnect. A silent stream therefore shows as an outage.
 */
export class WatchProbe {
  readonly name = 'watch';
  private req?: ReturnType<typeof https.request>;
  private stopped = false;
  private resourceVersion?: string;
  private readonly seen = new Map<string, number>();
  private readonly judged = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly baseUrl: string,
    private readonly tls: TlsMaterial,
    private readonly recorder: Recorder,
    private readonly runId: string,
    private readonly timeoutMs: number,
    private readonly intervalMs: number,
    /** The write probe whose objects this watch selects (by the run label). */
    private readonly writeProbe = 'api-write',
  ) {}

  start(): void {
    this.connect(Date.now());
    this.timer = setInterval(() => this.judge(false), this.intervalMs);
  }

  async stop(): Promise<void> {
    // Give the last writes their full timeout before judging them.
    await new Promise((r) => setTimeout(r, this.timeoutMs));
    this.stopped = true;
    clearInterval(this.timer);
    this.req?.destroy();
    this.judge(true);
  }

  /** Each acked write gets one sample: seen in time, or not. */
  private judge(final: boolean): void {
    const now = Date.now();
    for (const w of this.recorder.timeline.writes) {
      if (w.probe !== this.writeProbe || w.outcome !== 'acked' || this.judged.has(w.key)) continue;
      const seenAt = this.seen.get(w.key);
      if (seenAt !== undefined && seenAt - w.start <= this.timeoutMs) {
        this.record(w.start, seenAt, 'ok');
      } else if (now - w.end > this.timeoutMs || final) {
        this.record(
          w.start,
          w.start + this.timeoutMs,
          'timeout',
          `event for ${w.key} not delivered within ${this.timeoutMs} ms`,
        );
      } else {
        continue;
      }
      this.judged.add(w.key);
    }
  }

  private record(start: number, end: number, outcome: 'ok' | 'error' | 'timeout', detail?: string): void {
    this.recorder.sample({
      probe: this.name,
      start,
      end,
      outcome,
      target: this.baseUrl,
      ...(detail ? { detail } : {}),
    });
  }

  private connect(attemptStart: number): void {
    if (this.stopped) return;
    const rv = this.resourceVersion ? `&resourceVersion=${this.resourceVersion}` : '';
    const url = `${this.baseUrl}/api/v1/namespaces/${PROBE_NAMESPACE}/configmaps?watch=1&labelSelector=kube-ha-drill%2Frun%3D${this.runId}&allowWatchBookmarks=true${rv}`;
    let broken = false;
    const fail = (why: string) => {
      if (broken || this.stopped) return;
      broken = true;
      this.record(attemptStart, Date.now(), 'error', why);
      setTimeout(() => this.connect(Date.now()), this.intervalMs);
    };
    const req = https.request(
      url,
      { ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key, agent: false, timeout: this.timeoutMs },
      (res) => {
        req.setTimeout(0);
        if (res.statusCode !== 200) {
          if (res.statusCode === 410) this.resourceVersion = undefined;
          res.resume();
          return fail(`watch HTTP ${res.statusCode}`);
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.trim()) this.onEvent(line, () => fail('watch expired (410 Gone)'));
          }
        });
        res.on('end', () => fail('watch stream ended by the server'));
        res.on('error', (err) => fail(`watch stream broken: ${shortError(err)}`));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
    req.on('error', (err) => fail(`watch connect failed: ${shortError(err)}`));
    req.end();
    this.req = req;
  }

  private onEvent(line: string, expired: () => void): void {
    const ev = JSON.parse(line) as {
      type: string;
      object: { metadata?: { name?: string; resourceVersion?: string }; code?: number };
    };
    if (ev.type === 'ERROR') {
      if (ev.object.code === 410) this.resourceVersion = undefined;
      this.req?.destroy();
      return expired();
    }
    const rv = ev.object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    const name = ev.object.metadata?.name;
    if (
      (ev.type === 'ADDED' || ev.type === 'MODIFIED') &&
      name &&
      !this.seen.has(`${PROBE_NAMESPACE}/${name}`)
    ) {
      this.seen.set(`${PROBE_NAMESPACE}/${name}`, Date.now());
    }
  }
}
