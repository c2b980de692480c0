import { expect } from 'chai';
import { faultSchedule } from '../../src/faults/schedule.ts';

const steps = (faults: Parameters<typeof faultSchedule>[0], hold = 20) =>
  faultSchedule(faults, hold).map((s) => `${s.atMs} ${s.action} ${s.index}`);

describe('fault schedule', () => {
  it('without timing, every fault goes in at once and out at the end, the last one in first out', () => {
    expect(steps([{}, {}, {}])).to.deep.equal([
      '0 inject 0',
      '0 inject 1',
      '0 inject 2',
      '20000 heal 2',
      '20000 heal 1',
      '20000 heal 0',
    ]);
  });

  it('a fault inside another goes in at its offset and out after its duration', () => {
    expect(steps([{}, { at: 4, for: 6 }])).to.deep.equal([
      '0 inject 0',
      '4000 inject 1',
      '10000 heal 1',
      '20000 heal 0',
    ]);
  });

  it('faults in sequence: one is out before the next one goes in at the same moment', () => {
    expect(steps([{ for: 5 }, { at: 5, for: 5 }, { at: 10 }])).to.deep.equal([
      '0 inject 0',
      '5000 heal 0',
      '5000 inject 1',
      '10000 heal 1',
      '10000 inject 2',
      '20000 heal 2',
    ]);
  });

  it('the order of injection, not of the list, decides the order of the heals at the end', () => {
    expect(steps([{ at: 3 }, { at: 1 }])).to.deep.equal([
      '1000 inject 1',
      '3000 inject 0',
      '20000 heal 0',
      '20000 heal 1',
    ]);
  });
});
