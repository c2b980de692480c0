import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../src/components/manifest.ts';
import { listScenarios, loadScenario } from '../../src/scenario/load.ts';
import { UsageError } from '../../src/util/errors.ts';

const SHIPPED =
  'apiserver-freeze, apiserver-graceful, apiserver-graceful-healthz, apiserver-kill, cert-expiry, controller-manager-leader-kill, coredns-kill, etcd-follower-kill, ' +
  'etcd-latency, etcd-leader-kill, etcd-loss, etcd-partition, etcd-quorum-loss, etcd-snapshot-restore, freeze-then-partition, ' +
  'lb-failover, lb-per-node, scheduler-leader-kill';

async function refusal(nameOrPath: string, cwd: string): Promise<UsageError> {
  const err = await loadScenario(nameOrPath, { cwd }).catch((e: unknown) => e);
  expect(err, nameOrPath).to.be.instanceOf(UsageError);
  return err as UsageError;
}

/**
 * A scenario named without an extension is a shipped one, looked up only in scenarios/; a path must
 * name its file with its extension. Each test plants a module that would leave a mark if it ran.
 */
describe('scenario names and files', () => {
  let dir: string;
  let mark: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'khd-names-'));
    mark = path.join(dir, 'ran');
    mkdirSync(path.join(dir, 'cwd', 'sub'), { recursive: true });
    writeFileSync(
      path.join(dir, 'x.ts'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(mark)}, 'ran');\nexport default {};\n`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses ../../x, which names no shipped scenario and no file, and lists the shipped ones', async () => {
    const err = await refusal('../../x', path.join(dir, 'cwd', 'sub'));
    expect(err.message).to.equal(
      'scenario "../../x" is neither a shipped scenario\'s name (lower-case letters, digits and dashes) ' +
        `nor a file with an extension; shipped: ${SHIPPED}`,
    );
    expect(err.fix).to.include('./my-scenario.ts (a module is code, and runs as root like the tool)');
    expect(existsSync(mark)).to.equal(false);
  });

  it('refuses every other name that is not a shipped one, without reading a file', async () => {
    for (const name of [
      './x',
      `${dir}/x`,
      '..',
      '.',
      'x/',
      'scenarios/etcd-partition',
      'Etcd-Partition',
      '',
    ]) {
      const err = await refusal(name, dir);
      expect(err.message, name).to.match(/^scenario ".*" is neither a shipped scenario's name /);
    }
    expect((await refusal('x', dir)).message).to.equal(`unknown scenario "x"; known: ${SHIPPED}`);
    expect(existsSync(mark)).to.equal(false);
  });

  it('runs a file named with its extension: the user asked for it', async () => {
    const err = await refusal('../../x.ts', path.join(dir, 'cwd', 'sub'));
    expect(err.message).to.match(/x\.ts is not a valid scenario/);
    expect(existsSync(mark)).to.equal(true);
    rmSync(mark);
  });

  it('lists and runs by name only the files named like scenarios', async () => {
    const shipped = path.join(dir, 'shipped');
    mkdirSync(shipped);
    const scenario = {
      name: 'ok-one',
      description: 'Kills the etcd leader.',
      faults: [{ kind: 'kill', etcd: 'leader' }],
    };
    writeFileSync(path.join(shipped, 'ok-one.ts'), `export default ${JSON.stringify(scenario)};\n`);
    writeFileSync(path.join(shipped, 'Bad Name.ts'), `export default {};\n`);
    expect((await listScenarios(shipped)).map((s) => s.name)).to.deep.equal(['ok-one']);
    expect((await loadScenario('ok-one', { scenariosDir: shipped })).scenario.name).to.equal('ok-one');
  });

  it('turns an exception from a module export into a usage error naming the file', async () => {
    const file = path.join(dir, 'getter.ts');
    writeFileSync(file, `export default { get name(): string { throw new Error('boom'); } };\n`);
    const err = await refusal(file, dir);
    expect(err.message).to.match(/getter\.ts: reading its default export failed: boom$/);
  });
});

describe('the kube-ha-drill launcher', () => {
  it('runs only its own commands: a path climbing out of src/cli is refused with exit code 2, and nothing runs', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-launcher-'));
    try {
      const mark = path.join(dir, 'ran');
      writeFileSync(
        path.join(dir, 'x.ts'),
        `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(mark)}, 'ran');\n`,
      );
      // A launcher that made <repo>/src/cli/<command>.ts of its argument would run the planted file for this one.
      const climb = path.relative(path.join(repoRoot, 'src', 'cli'), path.join(dir, 'x'));
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'kube-ha-drill.js'), climb], {
        encoding: 'utf8',
      });
      expect(r.status).to.equal(2);
      expect(r.stderr).to.equal(
        `error: unknown command ${JSON.stringify(climb)}; known: setup, cluster, drill, gameday, bench\n` +
          '  fix: e.g. `kube-ha-drill drill etcd-partition`; `kube-ha-drill <command> --help` shows its options\n',
      );
      expect(existsSync(mark)).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
