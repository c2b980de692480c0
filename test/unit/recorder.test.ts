import { expect } from 'chai';
import { Recorder } from '../../src/observe/recorder.ts';
import { sample, T, write } from './helpers.ts';

describe('recorder: the one owner of the timeline', () => {
  it('hands the timeline out frozen, every level of it', () => {
    const r = new Recorder();
    r.beginPhase('baseline', T);
    r.sample(sample('api-read', 0, 5));
    r.write(write('probe/a', 'v', 'acked', 10, 20));
    r.endPhase(T + 1000);
    const t = r.finish();
    expect(t.phases).to.deep.equal([{ name: 'baseline', start: T, end: T + 1000 }]);
    expect(t.samples).to.have.length(1);
    for (const part of [t, t.phases, t.phases[0], t.samples, t.samples[0], t.writes[0], t.events[0]?.data])
      expect(Object.isFrozen(part)).to.equal(true);
    // Modules are strict: writing to a frozen object throws.
    expect(() => (t.samples as unknown[]).push(sample('api-read', 10, 15))).to.throw(TypeError);
    expect(() => ((t.phases[0] as { end: number }).end = 0)).to.throw(TypeError);
  });

  it('refuses to record after finish, as the bug it is', () => {
    const r = new Recorder();
    r.finish();
    expect(() => r.sample(sample('api-read', 0, 5))).to.throw(/after the recording finished/);
    expect(() => r.write(write('probe/a', 'v', 'acked', 10, 20))).to.throw(/after the recording finished/);
    expect(() => r.event('note', 'late', undefined, T)).to.throw(/after the recording finished/);
    expect(() => r.beginPhase('recovery', T)).to.throw(/after the recording finished/);
    expect(() => r.writesSoFar()).to.throw(/after the recording finished/);
    expect(() => r.finish(), 'handed out once').to.throw(/after the recording finished/);
  });

  it('keeps events in time order, those of the same time in the order recorded', () => {
    const r = new Recorder();
    r.event('fault-inject', 'inject', undefined, T + 100);
    r.event('note', 'stopping', undefined, T + 300);
    r.event('fault-heal', 'healed (stamped when the heal began)', undefined, T + 200);
    r.event('process-exit', 'exit, read from the supervisor at the end', undefined, T + 100);
    r.event('process-start', 'start, read from the supervisor at the end', undefined, T + 50);
    expect(r.finish().events.map((e) => e.message)).to.deep.equal([
      'start, read from the supervisor at the end',
      'inject',
      'exit, read from the supervisor at the end',
      'healed (stamped when the heal began)',
      'stopping',
    ]);
  });

  it('keeps etcd log lines of several members in time order', () => {
    const r = new Recorder();
    r.etcdLog({
      members: ['node-1', 'node-2'],
      lines: [
        { at: T + 10, member: 'node-1', message: 'a' },
        { at: T + 30, member: 'node-1', message: 'c' },
        { at: T + 20, member: 'node-2', message: 'b' },
      ],
    });
    const t = r.finish();
    expect(t.etcdLog.map((l) => l.message)).to.deep.equal(['a', 'b', 'c']);
    expect(t.etcdLogRead).to.deep.equal(['node-1', 'node-2']);
  });

  it('tells listeners of samples and writes as they are recorded, and lends the writes so far', () => {
    const r = new Recorder();
    const heard: string[] = [];
    r.onSample((s) => heard.push(s.probe));
    r.onWrite((w) => heard.push(w.key));
    r.sample(sample('dns', 0, 1));
    r.write(write('probe/a', 'v', 'acked', 10, 20));
    expect(heard).to.deep.equal(['dns', 'probe/a']);
    const lent = r.writesSoFar();
    r.write(write('probe/b', 'v', 'acked', 20, 30));
    expect(
      lent.map((w) => w.key),
      'a copy, not the live list',
    ).to.deep.equal(['probe/a']);
    expect(r.finish().writes.map((w) => w.key)).to.deep.equal(['probe/a', 'probe/b']);
  });
});
