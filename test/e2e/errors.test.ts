import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { downloadModule, requireFreeSpace, requireGo } from '../../src/components/go-toolchain.ts';
import { EnvironmentError, UsageError } from '../../src/util/errors.ts';
import { thrown } from '../caught.ts';
import { cli, repo, testComponents } from './helpers.ts';

/** Runs the tool's entry point as an unprivileged user (nobody). */
function asNobody(args: string[], env: Record<string, string> = {}) {
  return execa(
    'setpriv',
    ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', ...args],
    {
      cwd: repo,
      reject: false,
      env: { HOME: os.tmpdir(), KHD_NO_LAZY_SETUP: '1', ...env },
    },
  );
}

describe('clear errors for bad input and hostile conditions', function () {
  this.timeout(120_000);

  describe('setup', () => {
    it('names an unknown version of a module and how to list the published ones', async () => {
      const err = await thrown(
        downloadModule('k8s.io/kubernetes', 'v1.99.0', 'components.json goBuilds "kubernetes"'),
      );
      expect(err).to.be.instanceOf(UsageError);
      expect(err.message).to.include(
        'components.json goBuilds "kubernetes": k8s.io/kubernetes@v1.99.0 cannot be had',
      );
      expect((err as UsageError).fix).to.include('go list -m -versions k8s.io/kubernetes');
    });

    it('says how to get a Go toolchain when there is none', async () => {
      const saved = process.env.KHD_GO;
      process.env.KHD_GO = '/nonexistent/go';
      try {
        const err = await thrown(requireGo('1.26.0', 'k8s.io/kubernetes@v1.36.3'));
        expect(err).to.be.instanceOf(EnvironmentError);
        expect(err.message).to.include('/nonexistent/go is not installed');
        expect((err as EnvironmentError).fix).to.include('install a Go toolchain (1.26 or newer)');
      } finally {
        if (saved === undefined) delete process.env.KHD_GO;
        else process.env.KHD_GO = saved;
      }
    });

    it('refuses to build on a disk without room, naming the place and the fix', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-space-'));
      expect(() => requireFreeSpace(dir, 2 ** 60))
        .to.throw(EnvironmentError)
        .with.property('message')
        .that.matches(new RegExp(`GiB free at ${dir}; building the components needs \\d+ GiB`));
      rmSync(dir, { recursive: true });
    });

    it('says that installing missing Debian packages needs root, with the command to run', async () => {
      const r = await asNobody([
        '-e',
        `import('${repo}/src/components/debian.ts').then((m) => m.installMissing([{ package: 'sl', binary: 'sl', versionArgs: [], expect: '' }])).catch((e) => { console.error(e.message + ' | ' + e.fix); process.exit(3); })`,
      ]);
      expect(r.exitCode).to.equal(3);
      expect(r.stderr).to.include('the Debian packages sl are missing, and installing them needs root');
      expect(r.stderr).to.include('sudo apt-get install -y sl');
    });
  });

  describe('cluster up', () => {
    before(async function () {
      // On a fresh machine the first use builds every component (about 15 minutes).
      this.timeout(3_600_000);
      await testComponents();
    });

    it('needs root, and says so', async () => {
      const r = await asNobody(['src/cli/kube-ha-drill.ts', 'cluster', 'up']);
      expect(r.exitCode).to.equal(3);
      expect(r.stderr).to.include('the local provider needs root');
    });

    it('rejects a bad option value with its name, value and the allowed range', async () => {
      const r = await cli('cluster', ['up', '--lb-port', '80', '--subnet', '10.0.0.0/30']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include('command line: --subnet: "10.0.0.0/30"');
      expect(r.stderr).to.include('command line: --lb-port: 80 must be a whole number from 1024 to 65535');
    });

    it('refuses a report directory it cannot make, under /proc too, before anything starts', async () => {
      for (const command of ['drill', 'gameday'] as const) {
        const args = command === 'drill' ? ['apiserver-kill'] : [];
        const r = await cli(command, [...args, '--report-dir', '/proc/khd-reports/x'], 60_000);
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.include('cannot write the reports to /proc/khd-reports/x: ENOENT');
        expect(r.stderr).to.include('--report-dir');
      }
    });

    it('refuses a load balancer port that is in use, and leaves nothing behind', async () => {
      const server = net.createServer().listen(16443, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      try {
        const r = await cli('cluster', ['up']);
        expect(r.code).to.equal(3);
        expect(r.stderr).to.include('port 127.0.0.1:16443 (the load balancer) is in use');
        expect(r.stderr).to.include('--lb-port');
      } finally {
        server.close();
      }
      expect((await execa('ip', ['netns', 'list'])).stdout).to.not.include('khd-node-');
    });

    it('refuses a subnet that overlaps a route the machine has', async () => {
      await execa('ip', ['link', 'add', 'khdtest0', 'type', 'bridge']);
      try {
        await execa('ip', ['addr', 'add', '10.250.7.1/24', 'dev', 'khdtest0']);
        await execa('ip', ['link', 'set', 'khdtest0', 'up']);
        const r = await cli('cluster', ['up', '--subnet', '10.250.7.0/24']);
        expect(r.code).to.equal(3);
        expect(r.stderr).to.include('subnet 10.250.7.0/24 overlaps the existing route');
        expect(r.stderr).to.include('choose a free subnet with --subnet');
      } finally {
        await execa('ip', ['link', 'del', 'khdtest0']);
      }
      expect((await execa('ip', ['-o', 'link', 'show'])).stdout).to.not.include('khd-br0');
    });

    it('names a missing binary and the command that provides it', async () => {
      const emptyCache = mkdtempSync(path.join(os.tmpdir(), 'khd-empty-cache-'));
      const r = await cli('cluster', ['up'], 60_000, { KHD_CACHE_DIR: emptyCache });
      rmSync(emptyCache, { recursive: true, force: true });
      expect(r.code).to.equal(3);
      expect(r.stderr).to.include('not provisioned yet: kube-apiserver v1.36.3');
      expect(r.stderr).to.include('run `npm run setup`');
    });
  });
});
