import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { storedConfigMapValue } from '../../src/drill/stored-configmap.ts';
import { leadershipLines } from '../../src/observe/evidence/etcd-log.ts';
import { parseShowStat } from '../../src/observe/evidence/lb-status.ts';
import { apiserverCounters, etcdCounters, sumSeries } from '../../src/observe/evidence/metrics.ts';
import { k6Samples, k6Summary } from '../../src/observe/k6-results.ts';

/** Raw records captured from a real local cluster by test/fixtures/evidence/capture.ts. */
function recorded(name: string): string {
  return readFileSync(new URL(`../fixtures/evidence/${name}`, import.meta.url), 'utf8');
}

describe("evidence: the cluster's own records, as recorded", () => {
  it("HAProxy's show stat: each apiserver server with its status and last check", () => {
    const rows = parseShowStat(recorded('haproxy-show-stat.csv')).filter((r) => r.proxy === 'apiservers');
    expect(rows.map((r) => [r.server, r.status, r.check])).to.deep.equal([
      ['node-1', 'UP', 'L7OK'],
      ['node-2', 'UP', 'L7OK'],
      ['node-3', 'UP', 'L7OK'],
    ]);
    expect(parseShowStat('')).to.deep.equal([]);
  });

  it("etcd's log: the leadership lines, on the drill's clock, prefixes dropped", () => {
    const lines = leadershipLines(recorded('etcd-node-1.jsonl'), 'node-1', (t) => t + 1);
    expect(lines.map((l) => l.message)).to.deep.equal([
      '4d87747f3083f3c4 became follower at term 2',
      '4d87747f3083f3c4 elected leader 82bd05b176ea1cac at term 2',
    ]);
    expect(lines[0]!.at).to.equal(Date.parse('2026-11-23T08:37:35.363Z') + 1);
    expect(lines.every((l) => l.member === 'node-1')).to.equal(true);
    expect(leadershipLines('not json\n{"msg":"x became leader at term 3"}\n', 'n', (t) => t)).to.deep.equal(
      [],
    );
  });

  it("etcd's counters: leader changes seen and the process start", () => {
    expect(etcdCounters(recorded('etcd-metrics.txt'))).to.deep.equal({
      values: { leader_changes: 1 },
      processStartSeconds: 1.79542302897e9,
    });
  });

  it("an apiserver's counters: every 5xx it answered, summed over its series", () => {
    const text = recorded('apiserver-metrics.txt');
    const fiveHundreds = text
      .split('\n')
      .filter((l) => /^apiserver_request(_terminations)?_total\{.*code="5\d\d"/.test(l))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(fiveHundreds, 'the recording holds 5xx series').to.be.above(0);
    const c = apiserverCounters(text);
    expect(c.values.requests_5xx).to.equal(fiveHundreds);
    expect(c.processStartSeconds).to.be.a('number');
    expect(
      sumSeries('apiserver_request_total_other 5\napiserver_request_total 2\n', 'apiserver_request_total'),
    ).to.equal(2);
  });

  it('a ConfigMap as etcd stores it: its data value, decoded from the bytes (etcdctl get -w json)', () => {
    const kv = (JSON.parse(recorded('etcdctl-get-configmap.json')) as { kvs: { value: string }[] }).kvs[0]!;
    const stored = Buffer.from(kv.value, 'base64');
    expect(storedConfigMapValue(stored)).to.equal('42:1767225600000');
    expect(storedConfigMapValue(stored, 'other')).to.equal('x');
    expect(storedConfigMapValue(stored, 'missing')).to.equal(undefined);
    expect(storedConfigMapValue(Buffer.from('{"json":true}'))).to.equal(undefined);
    expect(storedConfigMapValue(stored.subarray(0, 30)), 'cut short').to.equal(undefined);
  });

  it("k6's per-request lines and its summary agree on the count", () => {
    const text = recorded('k6-requests.txt');
    const { samples, unreadable, cancelledAtStop } = k6Samples(text);
    expect(samples.length).to.equal(text.split('\n').filter((l) => l.startsWith('KHD ')).length);
    expect(unreadable).to.equal(0);
    expect(cancelledAtStop).to.equal(0);
    expect(samples[0]).to.deep.include({ probe: 'k6:create', outcome: 'ok' });
    expect(samples[0]!.end - samples[0]!.start).to.equal(14);
    const summary = k6Summary(recorded('k6-summary.json'), 20, { unreadable: 0, cancelledAtStop: 0 });
    expect(summary.requests).to.be.at.least(samples.length);
    expect(summary.p99Ms).to.be.a('number');
  });

  it("k6's lines: a timeout, an error with its text, a cut line, a request the stop cancelled, one that ended after it", () => {
    const { samples, unreadable, cancelledAtStop, endedAfterStop } = k6Samples(
      [
        'KHD get 1000 2000.512 0 1050 request timeout',
        'KHD list 1100 3.2 0 1220 read: connection reset by peer',
        'KHD create 1200 5.1 503 1503',
        'KHD update 1300 4.0 0 1000 context canceled',
        'KHD delete 1400',
        'some line k6 wrote itself',
      ].join('\n'),
      (t) => t,
      1300,
    );
    expect(samples.map((s) => [s.probe, s.outcome, s.detail])).to.deep.equal([
      ['k6:get', 'timeout', 'k6 error 1050: request timeout'],
      ['k6:list', 'error', 'k6 error 1220: read: connection reset by peer'],
      ['k6:create', 'error', 'HTTP 503'],
    ]);
    expect(unreadable).to.equal(1);
    expect(cancelledAtStop).to.equal(1);
    // The timeout started before the stop and ended after it: k6 may not have counted it.
    expect(endedAfterStop).to.equal(1);
  });
});
