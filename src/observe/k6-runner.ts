import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../util/errors.ts';
import { startProcess } from '../util/exec.ts';
import { cpuSecondsOf } from '../util/proc.ts';
import type { LoadCredentials } from './load-credentials.ts';
import { progress } from '../util/progress.ts';
import { waitUntil } from '../util/wait-until.ts';
import { fromWallClock, now } from './clock.ts';
import { k6Samples, k6Summary } from './k6-results.ts';
import type { LoadSummary, Sample } from './timeline.ts';

export const K6_SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'load',
  'api-load.ts',
);

export interface K6Options {
  k6: string;
  baseUrl: string;
  credentials: LoadCredentials;
  rate: number;
  durationSeconds: number;
  runId: string;
  namespace: string;
  mix: Record<string, number>;
  timeoutMs: number;
  /** Where k6 writes its per-request lines, its summary and its log. */
  workDir: string;
}

export interface K6Result {
  samples: Sample[];
  exitCode: number | null;
  /** What k6 said of its own run; absent when it wrote no summary. */
  summary?: LoadSummary;
  /** Why there is no summary. */
  summaryError?: string;
  /** CPU seconds k6 used, read just before it was stopped. */
  cpuSeconds: number | null;
  /** k6's summary export, to keep beside the report. */
  summaryFile: string;
}

/** k6 running the API load in the background for the length of a drill. */
export class K6Load {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private exitCode?: number | null;
  private readonly out: string;
  readonly summaryFile: string;

  constructor(private readonly o: K6Options) {
    this.out = path.join(o.workDir, 'k6-requests.txt');
    this.summaryFile = path.join(o.workDir, 'k6-summary.json');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const host = new URL(this.o.baseUrl).hostname;
    const mix = Object.entries(this.o.mix)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    this.child = startProcess(
      this.o.k6,
      [
        'run',
        '--quiet',
        '--no-color',
        '--no-usage-report',
        '--log-format=raw',
        `--console-output=${this.out}`,
        `--summary-export=${this.summaryFile}`,
        K6_SCRIPT,
      ],
      {
        logFile: path.join(this.o.workDir, 'k6.log'),
        env: {
          K6_NO_USAGE_REPORT: 'true',
          // k6's TLS (Go's) takes its roots from this file: the cluster's CA, and nothing else.
          SSL_CERT_FILE: this.o.credentials.ca,
          SSL_CERT_DIR: '/nonexistent',
          K6_AUTO_EXTENSION_RESOLUTION: 'false',
          KHD_BASE_URL: this.o.baseUrl,
          KHD_HOST: host,
          ...(this.o.credentials.cert && this.o.credentials.key
            ? { KHD_CERT: this.o.credentials.cert, KHD_KEY: this.o.credentials.key }
            : {}),
          ...(this.o.credentials.token ? { KHD_TOKEN: this.o.credentials.token } : {}),
          KHD_RATE: String(this.o.rate),
          KHD_DURATION: `${this.o.durationSeconds}s`,
          KHD_RUN_ID: this.o.runId,
          KHD_NAMESPACE: this.o.namespace,
          KHD_MIX: mix,
          KHD_TIMEOUT: `${this.o.timeoutMs}ms`,
        },
      },
    );
    this.exited = new Promise((resolve) => {
      this.child!.on('exit', (code) => resolve((this.exitCode = code)));
      this.child!.on('error', () => resolve((this.exitCode = -1)));
    });
    progress(
      `load: k6 at ${this.o.rate} req/s until the drill stops it (at most ${this.o.durationSeconds}s)`,
    );
  }

  /**
   * Resolves once k6 has sent its first request (its VUs are up), so that a
   * baseline begun after it is measured under the load asked for.
   */
  async ready(timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      () => {
        if (this.exitCode !== undefined)
          throw new Error(`k6 exited (code ${this.exitCode}) before sending a request; see k6.log`);
        try {
          return statSync(this.out).size > 0;
        } catch {
          return false; // not written yet
        }
      },
      {
        timeoutMs,
        intervalMs: 50,
        description: "k6's first request",
        error: (message) => new Error(`${message}; see k6.log`),
      },
    );
  }

  /**
   * Stops k6 (SIGINT: it ends its requests in flight and writes its summary),
   * then reads every request it made. The load runs until the drill stops it,
   * so it covers the phases as they really lasted, inject and heal included.
   */
  async finish(): Promise<K6Result> {
    if (!this.child || !this.exited)
      return { samples: [], exitCode: null, cpuSeconds: null, summaryFile: this.summaryFile };
    const cpuSeconds = this.child.pid === undefined ? null : cpuSecondsOf(this.child.pid);
    const stoppedAt = now();
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    let text = '';
    try {
      text = readFileSync(this.out, 'utf8');
    } catch {
      // no output: reported by the caller
    }
    const { samples, ...lines } = k6Samples(text, fromWallClock, stoppedAt);
    // Every request is now in the timeline (report.json); the raw lines are several MB.
    rmSync(this.out, { force: true });
    const result: K6Result = { samples, exitCode: code, cpuSeconds, summaryFile: this.summaryFile };
    try {
      result.summary = k6Summary(readFileSync(this.summaryFile, 'utf8'), this.o.rate, lines);
    } catch (err) {
      result.summaryError = errorMessage(err);
    }
    return result;
  }
}
