/**
 * Benchmarks that print figures (never pass/fail):
 *   npm run bench -- cluster-up [--runs 5]   time from `up` to every component healthy, and the
 *                                            resident memory of the whole cluster once up
 *   npm run bench -- drill [scenario]        wall time of one whole drill, cluster start included,
 *                                            and what it spent outside its phases
 *   npm run bench -- capacity [--rates 25,50,100,150,200] [--seconds 30]
 *                                            API P99 and errors of a healthy cluster at each k6
 *                                            rate, and the CPU of the cluster, the drill and k6
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseReport } from '../src/report/json.ts';
import { ensureComponents } from '../src/components/components.ts';
import { DEFAULT_PROVIDER, type ProviderName } from '../src/providers/names.ts';
import { providerFor } from '../src/providers/registry.ts';
import { main } from '../src/cli/main.ts';
import { UsageError } from '../src/util/errors.ts';
import { run } from '../src/util/exec.ts';
import { repoRoot } from '../src/components/manifest.ts';
import { capacity } from './capacity.ts';

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `median ${median.toFixed(2)}  min ${s[0]!.toFixed(2)}  max ${s.at(-1)!.toFixed(2)}  (runs: ${values.map((v) => v.toFixed(2)).join(', ')})`;
}

async function clusterUp(runs: number, providerName: ProviderName = DEFAULT_PROVIDER): Promise<void> {
  const components = await ensureComponents();
  const provider = providerFor(providerName);
  provider.preflight();
  await provider.remove();
  const times: number[] = [];
  let rss = new Map<string, number>();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const cluster = await provider.acquire({ mode: 'start', owner: 'drill', components });
    times.push((performance.now() - t0) / 1000);
    try {
      if (i === 0) {
        await new Promise((r) => setTimeout(r, 5000)); // let start-up transients settle
        rss = await cluster.residentMemory();
      }
    } finally {
      await cluster.release(true);
    }
  }
  console.log(
    `cluster-up (${provider.name}): seconds from acquire() to every component healthy, ${runs} runs`,
  );
  console.log(`  ${stats(times)}`);
  const total = [...rss.values()].reduce((a, b) => a + b, 0);
  console.log(`cluster resident memory (VmRSS, 5 s after ready, first run): ${total.toFixed(0)} MiB`);
  for (const [name, mib] of [...rss].sort((a, b) => b[1] - a[1]))
    console.log(`  ${name.padEnd(26)} ${mib.toFixed(0)} MiB`);
}

async function drillWallTime(scenario: string): Promise<void> {
  await ensureComponents();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-bench-drill-'));
  try {
    const t0 = performance.now();
    const r = await run('npm', ['run', '-s', 'drill', '--', scenario, '--report-dir', dir], {
      cwd: repoRoot,
      allowFailure: true,
    });
    const seconds = (performance.now() - t0) / 1000;
    const exit =
      `${r.stdout}\n${r.stderr}`.split('\n').find((l) => l.startsWith('exit code')) ??
      `exit code ${r.exitCode}`;
    const report = parseReport(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    const phases = report.timeline.phases.reduce((sum, p) => sum + (p.end - p.start), 0) / 1000;
    console.log(
      `drill ${scenario}: wall time ${seconds.toFixed(1)} s (npm start, cluster start, phases, read-back, reports, teardown); ${exit}`,
    );
    console.log(`  phases ${phases.toFixed(1)} s; everything else ${(seconds - phases).toFixed(1)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(async (argv) => {
  const [what, ...rest] = argv;
  const runsAt = rest.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(rest[runsAt + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError(`--runs ${rest[runsAt + 1]}: must be a whole number >= 1`);
  switch (what) {
    case 'cluster-up':
      return void (await clusterUp(runs));
    case 'capacity': {
      const list = (flag: string, fallback: string) => {
        const at = rest.indexOf(flag);
        return (at >= 0 ? (rest[at + 1] ?? '') : fallback).split(',').map(Number);
      };
      const rates = list('--rates', '25,50,100,150,200');
      const [seconds] = list('--seconds', '30');
      if (rates.some((r) => !Number.isInteger(r) || r < 1) || !seconds || seconds < 5)
        throw new UsageError(
          `capacity: --rates ${rates.join(',')} --seconds ${seconds}: rates must be whole numbers >= 1, seconds >= 5`,
          'e.g. `npm run bench -- capacity --rates 50,100 --seconds 30`',
        );
      return void (await capacity(await ensureComponents(), rates, seconds));
    }
    case 'drill':
      return void (await drillWallTime(
        rest.find((a) => !a.startsWith('--') && a !== String(runs)) ?? 'etcd-partition',
      ));
    default:
      throw new UsageError(
        `unknown benchmark "${what ?? ''}"`,
        'use `npm run bench -- cluster-up [--runs 5]`, `npm run bench -- drill [scenario]` or `npm run bench -- capacity`',
      );
  }
});
