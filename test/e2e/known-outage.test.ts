import { expect } from 'chai';
import { expectValidReport } from '../report-schema.ts';
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serviceSource } from '../../src/analysis/availability.ts';
import { down } from '../../src/providers/local/provider.ts';
import { layoutOf, resolveLocalConfig } from '../../src/providers/local/config.ts';
import { parseReport } from '../../src/report/json.ts';
import { decodeTimeline } from '../../src/report/report-model.ts';
import { sleep } from '../../src/util/proc.ts';
import { repo, testComponents } from './helpers.ts';

const layout = layoutOf(resolveLocalConfig());

/** This process's clock, anchored and counted the way the drill's is (src/observe/clock.ts). */
const clock = () => performance.timeOrigin + performance.now();

describe('a known outage, made from outside the tool', function () {
  this.timeout(600_000);

  before(async function () {
    this.timeout(3_600_000);
    await testComponents();
    await down();
  });

  // Refused, not frozen: a freeze (SIGSTOP) makes a backlog that keeps the service slow for a few
  // hundred ms after it ends, which the drill rightly reports as outage; a refusal leaves none.
  it('the load balancer refusing clients for 3 s during the baseline is reported as a 3 s outage, within one probe interval and the timer delay the drill measured', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-outage-'));
    const child = execa(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/kube-ha-drill.ts',
        'drill',
        'coredns-kill',
        '--report-dir',
        dir,
        ...['--baseline', '14s', '--hold', '6s', '--recovery', '6s', '--rate', '20'],
      ],
      { cwd: repo, reject: false, env: { KHD_NO_LAZY_SETUP: '1' } },
    );
    const made = { from: [0, 0], to: [0, 0] };
    const outside = (async () => {
      await new Promise<void>((resolve, reject) => {
        let seen = '';
        child.stderr?.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (/baseline/.test(seen)) resolve();
        });
        void child.then(() =>
          reject(new Error(`the drill ended before its baseline:\n${seen.slice(-2000)}`)),
        );
      });
      await sleep(4_000);
      const rule = [
        'INPUT',
        '-p',
        'tcp',
        '-d',
        layout.config.lbAddress,
        '--dport',
        String(layout.config.lbPort),
        '-m',
        'comment',
        '--comment',
        'khd-test-known-outage',
        '-j',
        'REJECT',
        '--reject-with',
        'tcp-reset',
      ];
      // Each change is stamped before and after the command that makes it: the outage made lies between.
      const iptables = (op: string) => {
        const r = spawnSync('iptables', ['-w', op, ...rule]);
        if (r.status !== 0) throw new Error(`iptables ${op}: ${String(r.stderr)}`);
      };
      const before = clock();
      iptables('-I');
      made.from = [before, clock()];
      try {
        await sleep(3_000);
      } finally {
        const beforeDelete = clock();
        iptables('-D');
        made.to = [beforeDelete, clock()];
      }
    })();
    await outside;
    const r = await child;
    try {
      expect(r.exitCode, String(r.stderr).slice(-3000)).to.equal(1);
      const report = parseReport(readFileSync(path.join(dir, 'report.json'), 'utf8'));
      expectValidReport(report);
      const [shortest, longest] = [made.to[0]! - made.from[1]!, made.to[1]! - made.from[0]!];
      const windows = report.analysis!.service.windows.filter(
        (w) => w.start < made.to[1]! && (w.end ?? Infinity) > made.from[0]!,
      );
      expect(windows, JSON.stringify(windows)).to.have.length(1);
      const w = windows[0]!;
      // Each edge is found by the first request after the change: up to one probe interval late, plus
      // however late the drill's timers fired (its own measured P99, recorded in the report), plus 50 ms
      // for the rule to take effect and the request to reach it.
      const tl = decodeTimeline(report.timeline);
      const lateMs = tl.harness?.eventLoopDelay.p99Ms ?? 0;
      const slack = report.judging.probeIntervalMs + lateMs + 50;
      const edges = (at: number) =>
        tl.samples
          .filter((s) => w.sources.includes(serviceSource(s.probe) ?? '') && Math.abs(s.start - at) < 400)
          .map((s) => `${s.probe} ${(s.start - at).toFixed(0)} ms ${s.outcome}`)
          .join(', ');
      const said =
        `outage made: ${shortest.toFixed(0)} to ${longest.toFixed(0)} ms, reported: ${w.durationMs} ms ` +
        `(slack ${slack.toFixed(0)} ms, timers late by ${lateMs.toFixed(0)} ms at P99); requests around ` +
        `its start: ${edges(made.from[0]!)}; around its end: ${edges(made.to[0]!)}`;
      expect(w.durationMs, said).to.be.within(shortest - slack, longest + slack);
      expect(w.start, said).to.be.within(made.from[0]! - slack, made.from[1]! + slack);
      // Every source through the load balancer's address saw it; DNS, which CoreDNS serves from its
      // own cache, did not.
      expect(w.sources).to.include.members(['api-read', 'api-read-keepalive', 'api-write', 'k6']);
      expect(w.sources).to.not.include('dns');
      // And the verdicts say the baseline was not healthy.
      const baseline = report.verdicts.find((v) => v.slo === 'api-error-rate' && v.interval === 'baseline');
      expect(baseline?.result).to.equal('fail');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
