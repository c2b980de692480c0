import https from 'node:https';
import { withContext, type TlsMaterial } from '../../util/tls-client.ts';
import { pollUntil } from '../../util/wait-until.ts';
import { now } from '../clock.ts';
import type { Recorder } from '../recorder.ts';
import type { WriteRecord } from '../timeline.ts';
import { PROBE_NAMESPACE, RUN_LABEL } from './api-probes.ts';
import { shortError } from './probe-loop.ts';

/**
 * A stream silent this long gets a liveness check, as client-go checks its connections (HTTP/2
 * ReadIdleTimeout 30 s, then a ping): here TCP keepalive. Without one, a watch whose load balancer
 * died without a word never learns it (nothing comes back, and the client sends nothing).
 */
export const WATCH_LIVENESS_IDLE_MS = 30_000;

/**
 * A watch on the write probe's ConfigMaps through the load balancer, as a
 * controller would hold one. Every acknowledged write must arrive as an event:
 * one sample per write, from its acknowledgement to its delivery (ok, or
 * timeout when it has not arrived within the timeout), an error sample,
 * stamped when it happened, for every broken stream or failed reconnect, and
 * an ok sample for a stream established again. A silent stream therefore
 * shows as an outage.
 */
export class WatchProbe {
  readonly name = 'watch';
  private req?: ReturnType<typeof https.request>;
  private stopped = false;
  private resourceVersion?: string;
  private readonly seen = new Map<string, number>();
  /** Acknowledged writes of the write probe not judged yet. */
  private waiting: WriteRecord[] = [];
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
  ) {
    recorder.onWrite((w) => {
      if (w.probe === this.writeProbe && w.outcome === 'acked') this.waiting.push(w);
    });
  }

  start(): void {
    this.connect();
    this.timer = setInterval(() => this.judge(false), this.intervalMs);
  }

  /** Call after the write probe stopped: the last writes get their full timeout to arrive, no longer. */
  async stop(): Promise<void> {
    await pollUntil(() => this.pending().length === 0, { timeoutMs: this.timeoutMs, intervalMs: 50 });
    this.stopped = true;
    clearInterval(this.timer);
    this.req?.destroy();
    this.judge(true);
  }

  /** Acknowledged writes of the write probe whose event has not arrived yet. */
  private pending(): WriteRecord[] {
    return this.waiting.filter((w) => !this.seen.has(w.key));
  }

  /** Each acked write gets one sample, from its acknowledgement: delivered in time, or not. */
  private judge(final: boolean): void {
    const t = now();
    this.waiting = this.waiting.filter((w) => {
      const seenAt = this.seen.get(w.key);
      // An event may arrive a moment before the write's answer does: no delay at all, and the stream
      // is shown working when the event came, not when the answer did (which can be after the stream
      // broke, as when a connection is cut while both are in flight).
      if (seenAt !== undefined && seenAt <= w.end) {
        this.record(seenAt, seenAt, 'ok');
      } else if (seenAt !== undefined && seenAt - w.end <= this.timeoutMs) {
        this.record(w.end, seenAt, 'ok');
      } else if (t - w.end > this.timeoutMs || final) {
        this.record(
          w.end,
          w.end + this.timeoutMs,
          'timeout',
          `event for ${w.key} not delivered within ${this.timeoutMs} ms of its acknowledgement`,
        );
      } else {
        return true;
      }
      return false;
    });
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

  private connect(reconnect = false): void {
    if (this.stopped) return;
    const attempt = now();
    const rv = this.resourceVersion ? `&resourceVersion=${this.resourceVersion}` : '';
    const selector = encodeURIComponent(`${RUN_LABEL}=${this.runId}`);
    const url = `${this.baseUrl}/api/v1/namespaces/${PROBE_NAMESPACE}/configmaps?watch=1&labelSelector=${selector}&allowWatchBookmarks=true${rv}`;
    let broken = false;
    const fail = (why: string) => {
      if (broken || this.stopped) return;
      broken = true;
      // Stamped when the stream broke (or the reconnect failed), not when it was opened.
      const at = now();
      this.record(at, at, 'error', why);
      setTimeout(() => this.connect(true), this.intervalMs);
    };
    const req = https.request(
      url,
      { ...withContext(this.tls), agent: false, timeout: this.timeoutMs },
      (res) => {
        req.setTimeout(0);
        res.socket.setKeepAlive(true, WATCH_LIVENESS_IDLE_MS);
        if (res.statusCode !== 200) {
          if (res.statusCode === 410) this.resourceVersion = undefined;
          res.resume();
          return fail(`watch HTTP ${res.statusCode}`);
        }
        // A stream established again is the first sign the watch works, before any write has been
        // acknowledged to show it; judged like any request, slow included.
        if (reconnect) this.record(attempt, now(), 'ok');
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
      this.seen.set(`${PROBE_NAMESPACE}/${name}`, now());
    }
  }
}
