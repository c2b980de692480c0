import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from '../../src/util/errors.ts';
import { run, runSync, startProcess } from '../../src/util/exec.ts';
import { caught, thrown } from '../caught.ts';

const MISSING = 'khd-no-such-program';

describe('exec: the one seam to external programs', () => {
  it('a program that is not installed is the same error, with its fix, however it is started', async () => {
    const hint = { installHint: 'apt-get install it' };
    const errors = [
      (await thrown(run(MISSING, [], hint))) as EnvironmentError,
      caught(() => runSync(MISSING, [], hint)),
      caught(() => startProcess(MISSING, [], hint)),
      caught(() => startProcess(`/nonexistent/${MISSING}`, [], hint)),
    ];
    expect(errors[0]).to.be.instanceOf(EnvironmentError);
    for (const e of errors.slice(0, 3)) {
      expect(e.message).to.equal(`${MISSING} is not installed or not on PATH`);
      expect(e.fix).to.equal('apt-get install it');
    }
    expect(errors[3]!.message).to.equal(`/nonexistent/${MISSING} is not installed or not on PATH`);
  });

  it('runSync returns what the program wrote, and fails on a non-zero exit unless allowed', () => {
    expect(runSync('sh', ['-c', 'echo "$KHD_X"'], { env: { KHD_X: 'from env' } }).stdout).to.equal(
      'from env',
    );
    expect(runSync('sh', ['-c', 'exit 3'], { allowFailure: true }).exitCode).to.equal(3);
    expect(caught(() => runSync('sh', ['-c', 'echo bad >&2; exit 3'])).message).to.equal(
      '`sh -c echo bad >&2; exit 3` failed (exit code 3): bad',
    );
  });

  it('startProcess starts at once, appending the output to its log file, with the environment added', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-exec-'));
    try {
      const log = path.join(dir, 'out.log');
      const child = startProcess('sh', ['-c', 'echo "$KHD_X"; echo err >&2; exit 4'], {
        logFile: log,
        env: { KHD_X: 'added' },
      });
      expect(child.pid).to.be.a('number');
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).to.equal(4);
      expect(readFileSync(log, 'utf8')).to.equal('added\nerr\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
