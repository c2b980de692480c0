import { expect } from 'chai';
import { EnvironmentError, UsageError } from '../../src/util/errors.ts';
import { pollUntil, waitUntil } from '../../src/util/wait-until.ts';
import { thrown } from '../caught.ts';

describe('waitUntil: the one deadline-and-poll loop', () => {
  it('checks until the check returns a value, and returns that value', async () => {
    let calls = 0;
    const started = performance.now();
    const got = await waitUntil(() => (++calls === 3 ? { pid: 42 } : undefined), {
      timeoutMs: 1000,
      intervalMs: 20,
      description: 'a pid',
    });
    expect(got).to.deep.equal({ pid: 42 });
    expect(calls).to.equal(3);
    expect(performance.now() - started, 'two pauses of the interval').to.be.at.least(35);
  });

  it('takes asynchronous checks and true as the value of a yes-or-no check', async () => {
    let calls = 0;
    const got = await waitUntil(async () => ++calls > 1, {
      timeoutMs: 1000,
      intervalMs: 5,
      description: 'x',
    });
    expect(got).to.equal(true);
  });

  it('times out with an EnvironmentError naming what it waited for and how long', async () => {
    let calls = 0;
    const started = performance.now();
    const err = await thrown(
      waitUntil(
        () => {
          calls++;
          return false;
        },
        { timeoutMs: 60, intervalMs: 20, description: 'etcd@node-1 to be running' },
      ),
    );
    expect(performance.now() - started).to.be.at.least(60);
    expect(err).to.be.instanceOf(EnvironmentError);
    expect(err.message).to.equal('timed out after 60 ms waiting for etcd@node-1 to be running');
    expect(calls, 'checked once more after the last pause').to.be.within(3, 5);
  });

  it('states seconds from one second up, and makes the error the caller asks for', async () => {
    const err = await thrown(
      waitUntil(() => null, {
        timeoutMs: 1000,
        intervalMs: 250,
        description: "k6's first request",
        error: (message) => new UsageError(`${message}; see k6.log`),
      }),
    );
    expect(err).to.be.instanceOf(UsageError);
    expect(err.message).to.equal("timed out after 1 s waiting for k6's first request; see k6.log");
  });

  it('stops at once with the error a check throws', async () => {
    let calls = 0;
    const err = await thrown(
      waitUntil(
        () => {
          if (++calls === 2) throw new EnvironmentError('the supervisor did not start');
          return undefined;
        },
        { timeoutMs: 1000, intervalMs: 5, description: 'the supervisor to start' },
      ),
    );
    expect(err.message).to.equal('the supervisor did not start');
    expect(calls).to.equal(2);
  });

  it('pollUntil gives undefined instead of an error when the time runs out, and checks at least once', async () => {
    expect(await pollUntil(() => false, { timeoutMs: 30, intervalMs: 10 })).to.equal(undefined);
    let calls = 0;
    expect(await pollUntil(() => ++calls, { timeoutMs: 0, intervalMs: 10 })).to.equal(1);
    expect(await pollUntil(() => 0, { timeoutMs: 0, intervalMs: 10 }), '0 is a value').to.equal(0);
  });
});
