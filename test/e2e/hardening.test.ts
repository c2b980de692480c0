import { expect } from 'chai';
import type { ResultPromise } from 'execa';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withClusterLock } from '../../src/providers/local/cluster-lock.ts';
import { layoutOf, resolveLocalConfig } from '../../src/providers/local/config.ts';
import { LocalControl } from '../../src/providers/local/control.ts';
import { down } from '../../src/providers/local/provider.ts';
import { clusterDirState, createClusterDir, ensureStateRoot } from '../../src/providers/local/secure-dir.ts';
import {
  addProcesses,
  liveSupervisor,
  readProcessTable,
  startSupervisor,
} from '../../src/providers/local/supervisor-client.ts';
import { processesOf, remnants, teardown } from '../../src/providers/local/teardown.ts';
import type { ClusterInfo } from '../../src/cluster/topology.ts';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';
import { EnvironmentError } from '../../src/util/errors.ts';
import { identityOf, isAlive, signalIfSame, sleep, statFieldsOf } from '../../src/util/proc.ts';
import { cli, startCli, testComponents } from './helpers.ts';

const NOBODY = 65534;

/** Starts a tool command in the background, as a user at a terminal would. */
function background(command: 'cluster', args: string[]): ResultPromise {
  return startCli(command, args);
}

/** Resolves when the child's stderr has shown `pattern`. */
function seen(child: ResultPromise, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) resolve();
    });
    void child.then(() => reject(new Error(`ended before ${pattern}:\n${text.slice(-2000)}`)));
  });
}

describe('safe to run as root on a shared machine', function () {
  this.timeout(300_000);
  let tmp: string;

  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'khd-hardening-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  describe('state directory', () => {
    it('refuses a state root another user made first, and runs nothing that user put in it', async () => {
      const root = path.join(tmp, 'taken');
      const plan = path.join(root, 'khd', 'plan.d');
      mkdirSync(plan, { recursive: true });
      const proof = path.join(tmp, 'ran-as-root');
      writeFileSync(
        path.join(plan, '00-x.json'),
        JSON.stringify([
          {
            id: 'x@host',
            component: 'x',
            node: 'host',
            command: '/usr/bin/touch',
            args: [proof],
            restart: false,
          },
        ]),
      );
      for (const p of [root, path.join(root, 'khd'), plan, path.join(plan, '00-x.json')])
        chownSync(p, NOBODY, NOBODY);
      const r = await cli('cluster', ['up', '--state-root', root]);
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr).to.include(`state directory ${root} is owned by uid ${NOBODY}, not by uid 0`);
      await sleep(500);
      expect(existsSync(proof), 'the planted plan ran').to.equal(false);
      expect(existsSync(path.join(plan, '00-x.json')), 'the other user’s file was removed').to.equal(true);
    });

    it('refuses a link, a foreign owner or an open mode at any level it makes', () => {
      const link = path.join(tmp, 'link-root');
      symlinkSync('/etc', link);
      expect(() => ensureStateRoot(link)).to.throw(EnvironmentError, /is a symbolic link/);
      const open = path.join(tmp, 'open-root');
      mkdirSync(open, { mode: 0o755 });
      chmodSync(open, 0o755);
      expect(() => ensureStateRoot(open)).to.throw(EnvironmentError, /has mode 755, not 700/);
      const shared = path.join(tmp, 'shared-no-sticky');
      mkdirSync(shared);
      chmodSync(shared, 0o777);
      expect(() => ensureStateRoot(path.join(shared, 'root'))).to.throw(
        EnvironmentError,
        /others can write to \(mode 777, no sticky bit\)/,
      );
    });

    it('refuses an existing directory without its marker as the cluster directory, and never removes it', async () => {
      const victimRoot = path.join(tmp, 'victimroot');
      mkdirSync(path.join(victimRoot, 'etc'), { recursive: true, mode: 0o700 });
      chmodSync(victimRoot, 0o700);
      writeFileSync(path.join(victimRoot, 'etc', 'passwd'), 'precious\n');
      const r = await cli('cluster', ['up', '--state-root', victimRoot, '--name', 'etc']);
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr).to.include("exists without kube-ha-drill's marker");
      const d = await cli('cluster', ['down', '--state-root', victimRoot, '--name', 'etc']);
      expect(d.code, d.stderr).to.equal(3);
      expect(readFileSync(path.join(victimRoot, 'etc', 'passwd'), 'utf8')).to.equal('precious\n');
      await expectThrows(() => teardown(path.join(victimRoot, 'etc'), 'etc'), /marker/);
      expect(existsSync(path.join(victimRoot, 'etc', 'passwd'))).to.equal(true);
    });

    it('writes files by renaming a new file over the name: a planted link is replaced, not written through', () => {
      const target = path.join(tmp, 'root-owned-file');
      writeFileSync(target, 'original\n');
      const planted = path.join(tmp, 'haproxy.cfg');
      symlinkSync(target, planted);
      writeFileAtomic(planted, 'new config\n');
      expect(readFileSync(target, 'utf8')).to.equal('original\n');
      expect(lstatSync(planted).isFile()).to.equal(true);
      expect(lstatSync(planted).mode & 0o777).to.equal(0o600);
    });
  });

  describe('processes', () => {
    const children: ChildProcess[] = [];
    after(() => children.forEach((c) => c.kill('SIGKILL')));

    it('matches its own programs on its own directory exactly: no shell, no tail, no other cluster', async () => {
      const root = path.join(tmp, 'procs');
      ensureStateRoot(root);
      const dir = path.join(root, 'khd');
      // A shell under the name of one of our programs, so that only its arguments tell it apart.
      const fakeEtcd = path.join(tmp, 'etcd');
      copyFileSync(realpathSync('/bin/sh'), fakeEtcd);
      chmodSync(fakeEtcd, 0o755);
      const start = (cmd: string, args: string[]) => {
        const c = spawn(cmd, args, { stdio: 'ignore' });
        children.push(c);
        return c.pid!;
      };
      const shell = start('sh', ['-c', 'sleep 60', `${dir}/logs/x`]);
      const tail = start('sleep', ['60', `${dir}/logs/etcd.log`]);
      const otherCluster = start(fakeEtcd, ['-c', 'sleep 60', `--data-dir=${dir}2/node-1/etcd`]);
      const own = start(fakeEtcd, ['-c', 'sleep 60', `--data-dir=${dir}/node-1/etcd`]);
      await sleep(300);
      const found = processesOf(dir);
      expect(found).to.include(own);
      expect(found).to.not.include.members([shell, tail, otherCluster]);
      // With the state file's program list, the path must match too.
      expect(processesOf(dir, ['/usr/local/bin/etcd'])).to.not.include(own);
      expect(processesOf(dir, [fakeEtcd])).to.include(own);
    });

    it('never signals a process that took over a recorded pid', async () => {
      const c = spawn('sleep', ['60'], { stdio: 'ignore' });
      children.push(c);
      await sleep(100);
      const id = identityOf(c.pid!)!;
      // The same pid with another start time is another process (a pid reused after a crash).
      expect(signalIfSame({ pid: id.pid, startTicks: id.startTicks + 1 }, 'SIGKILL')).to.equal(false);
      expect(isAlive(c.pid!)).to.equal(true);
      expect(signalIfSame(id, 'SIGKILL')).to.equal(true);
    });
  });

  describe('one command at a time', () => {
    it('refuses a second holder of the lock, naming the first one', async () => {
      const config = resolveLocalConfig({ stateRoot: path.join(tmp, 'lockroot') });
      await withClusterLock(config, 'cluster up', async () => {
        await expectThrows(
          () => withClusterLock(config, 'drill etcd-partition', async () => undefined),
          new RegExp(`the cluster is busy: cluster up \\(pid ${process.pid}, since `),
        );
      });
      // Released when its holder is done.
      expect(await withClusterLock(config, 'cluster down', async () => 'ran')).to.equal('ran');
    });

    it('two `cluster up` started 15 ms apart: one makes the cluster, the other is refused', async function () {
      this.timeout(600_000);
      await testComponents();
      await down();
      const first = background('cluster', ['up']);
      await sleep(15);
      const second = background('cluster', ['up']);
      const results = await Promise.all([first, second]);
      try {
        const codes = results.map((r) => r.exitCode).sort();
        expect(codes, results.map((r) => String(r.stderr).slice(-800)).join('\n---\n')).to.deep.equal([0, 3]);
        const refused = results.find((r) => r.exitCode === 3)!;
        expect(String(refused.stderr)).to.match(
          /the cluster is busy: cluster up \(pid \d+, since |is already up/,
        );
      } finally {
        const d = await cli('cluster', ['down']);
        expect(d.code, d.stderr).to.equal(0);
      }
    });
  });

  describe('interrupts while the cluster is being made', () => {
    const layout = layoutOf(resolveLocalConfig());

    it('Ctrl-C during `cluster up` removes everything made so far', async function () {
      this.timeout(600_000);
      await testComponents();
      await down();
      const child = background('cluster', ['up']);
      await seen(child, /etcd x3, kube-apiserver x3: starting/);
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode, String(r.stderr).slice(-1500)).to.equal(3);
      expect(String(r.stderr)).to.include('interrupted by SIGINT while the cluster was being made');
      expect(await remnants(layout.dir, layout.config.name)).to.deep.equal([]);
    });

    it('after a kill -9 during `cluster up`, status shows the half-made cluster and down removes it', async function () {
      this.timeout(600_000);
      const child = background('cluster', ['up']);
      await seen(child, /etcd x3, kube-apiserver x3: starting/);
      child.kill('SIGKILL');
      await child;
      const s = await cli('cluster', ['status']);
      expect(s.code).to.equal(3);
      expect(s.stdout).to.match(
        /cluster khd is half-made: its start \(by cluster-up, pid \d+ at .*\) did not finish/,
      );
      expect(s.stdout).to.include('npm run cluster -- down');
      const d = await cli('cluster', ['down']);
      expect(d.code, d.stderr).to.equal(0);
      expect(await remnants(layout.dir, layout.config.name)).to.deep.equal([]);
    });
  });

  describe('a full disk', () => {
    let mnt: string;
    let supervisorDir: string;
    before(() => {
      mnt = path.join(tmp, 'small');
      mkdirSync(mnt, { mode: 0o700 });
      const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'khd-test-full', mnt]);
      if (m.status !== 0) throw new Error(`mount: ${String(m.stderr)}`);
    });
    after(async () => {
      if (supervisorDir) await teardown(supervisorDir, 'fulltest').catch(() => undefined);
      spawnSync('umount', [mnt]);
    });

    it('the supervisor keeps running and restarting; the drill refuses to inject until there is room', async () => {
      supervisorDir = path.join(mnt, 'fulltest');
      createClusterDir(supervisorDir);
      const supervisor = await startSupervisor(supervisorDir, { backoffMs: 100, backoffMaxMs: 200 });
      // A component that writes without end fills the disk through its log.
      addProcesses(
        supervisorDir,
        '10-writer',
        [
          {
            id: 'writer@host',
            component: 'writer',
            node: 'host',
            command: '/bin/sh',
            // Keeps writing when the disk is full, as a component that logs would.
            args: ['-c', 'while :; do head -c 200000 /dev/zero; sleep 0.05; done', supervisorDir],
            restart: true,
          },
        ],
        supervisor,
      );
      const deadline = Date.now() + 20_000;
      while (spawnSync('df', ['--output=avail', mnt]).stdout.toString().split('\n')[1]?.trim() !== '0') {
        if (Date.now() > deadline) throw new Error('the disk did not fill');
        await sleep(100);
      }
      const info = { name: 'fulltest', dir: supervisorDir, nodes: [] } as unknown as ClusterInfo;
      const ctl = new LocalControl(info, { etcdctl: '/bin/false', etcdutl: '/bin/false' });
      expect(() => ctl.checkReadyForFaults()).to.throw(EnvironmentError, /MiB free, less than the 64 MiB/);
      // Kill the writer on the full disk: the supervisor cannot log the exit, yet restarts it.
      const before = readProcessTable(supervisorDir)!.processes[0]!;
      expect(signalIfSame({ pid: before.pid!, startTicks: before.startTicks! }, 'SIGKILL')).to.equal(true);
      await sleep(1000);
      expect(liveSupervisor(supervisorDir), 'the supervisor died on the full disk').to.not.equal(undefined);
      // The supervisor's own child (the shell forks copies of itself for a moment before each command).
      const restarted = processesOf(supervisorDir, [realpathSync('/bin/sh')]).filter(
        (pid) => parentOf(pid) === supervisor.pid,
      );
      expect(restarted.length, 'the writer was not restarted').to.equal(1);
      expect(restarted[0]).to.not.equal(before.pid);
      // Once there is room again, it says how many writes it lost.
      spawnSync('kill', ['-STOP', String(restarted[0])]);
      truncateSync(path.join(supervisorDir, 'logs', 'writer-host.log'), 0);
      spawnSync('kill', ['-KILL', String(restarted[0])]);
      await sleep(1000);
      expect(readProcessTable(supervisorDir)?.writeFailures ?? 0).to.be.greaterThan(0);
    });
  });

  it('leaves a directory it did not make alone when asked about it', () => {
    expect(clusterDirState(path.join(tmp, 'nothing-here', 'khd'))).to.equal('absent');
  });
});

/** The parent pid: field 4 of /proc/<pid>/stat. */
function parentOf(pid: number): number | undefined {
  const ppid = statFieldsOf(pid)?.[1];
  return ppid === undefined ? undefined : Number(ppid);
}

async function expectThrows(fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await fn();
  } catch (err) {
    expect((err as Error).message).to.match(pattern);
    return;
  }
  throw new Error(`expected an error matching ${pattern}`);
}
