import type { Recorder } from '../observe/recorder.ts';
import type { Sample } from '../observe/timeline.ts';
import { isApiProbe } from '../analysis/probes.ts';

const WINDOW_MS = 5000;

/**
 * The live line while a drill runs: phase, time in phase, and the error
 * rate and P99 of API requests over the last five seconds. On a terminal it
 * redraws one line; elsewhere (CI logs) it prints a line every five seconds.
 */
export class LiveStatus {
  private recent: Sample[] = [];
  private timer?: NodeJS.Timeout;
  private phaseName = 'starting';
  private phaseStart = Date.now();
  private phaseSeconds = 0;
  private readonly t0 = Date.now();
  private readonly tty = process.stderr.isTTY === true;

  constructor(recorder: Recorder) {
    recorder.onSample((s) => {
      if (isApiProbe(s.probe) || s.probe.startsWith('dns') || s.probe === 'watch') this.recent.push(s);
    });
  }

  start(): void {
    this.timer = setInterval(() => this.draw(), this.tty ? 500 : 5000);
  }

  phase(name: string, seconds: number): void {
    if (this.tty) process.stderr.write('\n');
    this.phaseName = name;
    this.phaseStart = Date.now();
    this.phaseSeconds = seconds;
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) process.stderr.write('\n');
  }

  private draw(): void {
    const now = Date.now();
    this.recent = this.recent.filter((s) => s.end >= now - WINDOW_MS);
    const api = this.recent.filter((s) => isApiProbe(s.probe));
    const failed = api.filter((s) => s.outcome !== 'ok').length;
    const lat = api.map((s) => s.end - s.start).sort((a, b) => a - b);
    const p99 = lat.length ? lat[Math.min(lat.length - 1, Math.ceil(lat.length * 0.99) - 1)]! : 0;
    const otherFailed = [
      ...new Set(this.recent.filter((s) => s.outcome !== 'ok' && !isApiProbe(s.probe)).map((s) => s.probe)),
    ];
    const line =
      `[${((now - this.t0) / 1000).toFixed(0).padStart(3)}s] ${this.phaseName.padEnd(8)} ` +
      `${((now - this.phaseStart) / 1000).toFixed(1)}/${this.phaseSeconds}s | API last 5s: ${api.length} req, ` +
      `errors ${api.length ? ((100 * failed) / api.length).toFixed(1) : '0.0'}%, p99 ${p99} ms` +
      (otherFailed.length ? ` | failing: ${otherFailed.join(', ')}` : '');
    if (this.tty) process.stderr.write(`\r\x1b[2K${line}`);
    else process.stderr.write(`${line}\n`);
  }
}
