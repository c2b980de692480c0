import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { now } from '../clock.ts';
import type { HarnessUsage } from '../timeline.ts';

/**
 * What the drill process costs while it measures, and how late its timers
 * fire: a probe due every 100 ms that fires 300 ms late measures the harness,
 * not the cluster, and the report says so.
 */
export class HarnessMeter {
  /** The histogram times a timer of this period: an idle loop reads as the period itself. */
  private static readonly RESOLUTION_MS = 10;
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({
    resolution: HarnessMeter.RESOLUTION_MS,
  });
  private cpu = process.cpuUsage();
  private startedAt = now();

  start(): void {
    this.delay.enable();
    this.cpu = process.cpuUsage();
    this.startedAt = now();
  }

  stop(k6CpuSeconds: number | null): HarnessUsage {
    this.delay.disable();
    const used = process.cpuUsage(this.cpu);
    // Lateness beyond the timer's own period, to 0.01 ms.
    const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4) / 100 - HarnessMeter.RESOLUTION_MS);
    return {
      cpuSeconds: { drill: (used.user + used.system) / 1e6, k6: k6CpuSeconds },
      overSeconds: (now() - this.startedAt) / 1000,
      eventLoopDelay: {
        p50Ms: ms(this.delay.percentile(50)),
        p99Ms: ms(this.delay.percentile(99)),
        maxMs: ms(this.delay.max),
      },
    };
  }
}
