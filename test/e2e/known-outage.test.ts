import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { down } from '../../src/cluster/local/provider.ts';
import { layoutOf, resolveLocalConfig } from '../../src/cluster/local/config.ts';
import { processesOf } from '../../src/cluster/local/teardown.ts';
import { parseReport } from '../../src/report/json.ts';
import { cmdline, sleep } from '../../src/util/proc.ts';
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

  it('HAProxy stopped for 3 s during the baseline is reported as a 3 s outage of the service, within 150 ms', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-outage-'));
    const child = execa(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/drill.ts',
        'coredns-kill',
        '--report-dir',
        dir,
        ...['--baseline', '14s', '--hold', '6s', '--recovery', '6s', '--rate', '20'],
      ],
      { cwd: repo, reject: false, env: { KHD_NO_LAZY_SETUP: '1' } },
    );
    let stopped = 0;
    let resumed = 0;
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
      const haproxy = processesOf(layout.dir).find((pid) => /(^|\/)haproxy /.test(cmdline(pid) ?? ''));
      if (haproxy === undefined) throw new Error('no HAProxy of the cluster is running');
      process.kill(haproxy, 'SIGSTOP');
      stopped = clock();
      await sleep(3_000);
      process.kill(haproxy, 'SIGCONT');
      resumed = clock();
    })();
    await outside;
    const r = await child;
    try {
      expect(r.exitCode, String(r.stderr).slice(-3000)).to.equal(1);
      const report = parseReport(readFileSync(path.join(dir, 'report.json'), 'utf8'));
      const made = resumed - stopped;
      const windows = report.analysis!.service.windows.filter(
        (w) => w.start < resumed && (w.end ?? Infinity) > stopped,
      );
      expect(windows, JSON.stringify(windows)).to.have.length(1);
      const w = windows[0]!;
      expect(w.durationMs, `outage made: ${made.toFixed(0)} ms, reported: ${w.durationMs} ms`).to.be.closeTo(
        made,
        150,
      );
      expect(w.start).to.be.closeTo(stopped, 150);
      // Every source through HAProxy saw it; DNS, served by CoreDNS from its own cache, did not.
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
