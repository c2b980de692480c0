import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { progress } from '../util/progress.ts';
import { k6Samples } from './k6-results.ts';
import type { Sample } from './timeline.ts';

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
  cert: string;
  key: string;
  rate: number;
  durationSeconds: number;
  runId: string;
  namespace: string;
  mix: Record<string, number>;
  timeoutMs: number;
  /** Where k6 writes its per-request JSON and its log. */
  workDir: string;
}

/** k6 running the API load in the background for the length of a drill. */
export class K6Load {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private readonly out: string;

  constructor(private readonly o: K6Options) {
    this.out = path.join(o.workDir, 'k6-points.json');
  }

  start(): void {
    const host = new URL(this.o.baseUrl).hostname;
    const log = openSync(path.join(this.o.workDir, 'k6.log'), 'a');
    const mix = Object.entries(this.o.mix)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    this.child = spawn(
      this.o.k6,
      ['run', '--quiet', '--no-color', '--no-usage-report', '--out', `json=${this.out}`, K6_SCRIPT],
      {
        stdio: ['ignore', log, log],
        env: {
          ...process.env,
          K6_NO_USAGE_REPORT: 'true',
          K6_AUTO_EXTENSION_RESOLUTION: 'false',
          KHD_BASE_URL: this.o.baseUrl,
          KHD_HOST: host,
          KHD_CERT: this.o.cert,
          KHD_KEY: this.o.key,
          KHD_RATE: String(this.o.rate),
          KHD_DURATION: `${this.o.durationSeconds}s`,
          KHD_RUN_ID: this.o.runId,
          KHD_NAMESPACE: this.o.namespace,
          KHD_MIX: mix,
          KHD_TIMEOUT: `${this.o.timeoutMs}ms`,
        },
      },
    );
    closeSync(log); // k6 has its own copy
    this.exited = new Promise((resolve) => {
      this.child!.on('exit', (code) => resolve(code));
      this.child!.on('error', () => resolve(-1));
    });
    progress(
      `load: k6 at ${this.o.rate} req/s until the drill stops it (at most ${this.o.durationSeconds}s)`,
    );
  }

  /**
   * Stops k6 (SIGINT: it ends its requests in flight and flushes its output),
   * then reads every request it made. The load runs until the drill stops it,
   * so it covers the phases as they really lasted, inject and heal included.
   */
  async finish(): Promise<{ samples: Sample[]; exitCode: number | null }> {
    if (!this.child || !this.exited) return { samples: [], exitCode: null };
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    let text = '';
    try {
      text = readFileSync(this.out, 'utf8');
    } catch {
      // no output: reported below
    }
    const samples = k6Samples(text);
    // Every request is now in the timeline (report.json); the raw points are several MB.
    rmSync(this.out, { force: true });
    return { samples, exitCode: code };
  }
}
