/**
 * Benchmarks that print figures (never pass/fail): cluster-up, drill and capacity. What each
 * measures and its options are declared in src/cli/bench-args.ts (`npm run bench -- --help`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseReport } from '../src/report/json.ts';
import { ensureComponents } from '../src/components/components.ts';
import type { ProviderName } from '../src/providers/names.ts';
import { providerFor } from '../src/providers/registry.ts';
import { run } from '../src/util/exec.ts';
import { progress } from '../src/util/progress.ts';
import { BENCH_USAGE, parseBenchArgs } from '../src/cli/bench-args.ts';
import { repoRoot } from '../src/components/manifest.ts';
import { capacity } from './capacity.ts';
import { drillFigures } from './drills.ts';

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `median ${median.toFixed(2)}  min ${s[0]!.toFixed(2)}  max ${s.at(-1)!.toFixed(2)}  (runs: ${values.map((v) => v.toFixed(2)).join(', ')})`;
}

async function clusterUp(runs: number, providerName: ProviderName): Promise<void> {
  const components = await ensureComponents();
  const provider = providerFor(providerName);
  progress(`cluster-up (${provider.name}): ${runs} runs`);
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

/** `bench`: runs one benchmark and prints its figures. */
export async function benchCommand(argv: readonly string[]): Promise<number | void> {
  const cmd = parseBenchArgs(argv);
  switch (cmd.command) {
    case 'help':
      console.log(BENCH_USAGE);
      return 0;
    case 'cluster-up':
      for (const provider of cmd.providers) await clusterUp(cmd.runs, provider);
      return;
    case 'capacity':
      return void (await capacity(await ensureComponents(), cmd.rates, cmd.seconds));
    case 'drill':
      return void (await drillWallTime(cmd.scenario));
    case 'drills':
      return void (await drillFigures(cmd.scenarios, cmd.runs));
  }
}
