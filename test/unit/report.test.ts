import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_FAILOVER_BOUNDS } from '../../src/analysis/bounds.ts';
import { FIGURE_DEFINITIONS } from '../../src/analysis/definitions.ts';
import { DEFAULT_SLOS } from '../../src/analysis/verdict.ts';
import { emptyTimeline, type Sample, type Timeline } from '../../src/observe/timeline.ts';
import { parseReport, renderJson, ReportFormatError, stringifyReadable } from '../../src/report/json.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { code, md, table } from '../../src/report/md.ts';
import { buildReport, type ReportInput } from '../../src/report/report-model.ts';
import { decodeTimeline, encodeTimeline } from '../../src/report/timeline-codec.ts';
import { writeReports } from '../../src/report/write-reports.ts';
import { xmlAttr, xmlText } from '../../src/report/xml.ts';

function loadFixture(name: string): Timeline {
  const url = new URL(`../fixtures/timelines/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Timeline;
}

const partition = loadFixture('etcd-leader-partition');
const powerLoss = loadFixture('etcd-power-loss-lost-writes');

function input(timeline: Timeline, overrides: Partial<ReportInput> = {}): ReportInput {
  const first = timeline.phases[0]?.start ?? 0;
  const last = timeline.phases.at(-1)?.end ?? 0;
  return {
    tool: { name: 'kube-ha-drill', version: '0.1.0' },
    scenario: {
      name: 'etcd-partition',
      description: 'Drops all packets between the etcd leader and its peers for the hold, then heals.',
      file: 'scenarios/etcd-partition.ts',
      sha256: 'a'.repeat(64),
    },
    host: 'drill-1',
    startedAt: new Date(first - 1_000),
    endedAt: new Date(last + 2_000),
    components: [
      { name: 'etcd', version: 'v3.6.5', sha256: 'b'.repeat(64) },
      { name: 'kube-apiserver', version: 'v1.36.3', sha256: 'c'.repeat(64) },
    ],
    cluster: {
      provider: 'local',
      topology: { controlPlanes: 3, loadBalancer: 'haproxy', etcdMembers: ['node-1', 'node-2', 'node-3'] },
      bounds: DEFAULT_FAILOVER_BOUNDS,
    },
    slos: DEFAULT_SLOS,
    timeline,
    ...overrides,
  };
}

/** The same timeline cut short during the fault, as a run stopped by Ctrl-C would leave it. */
function abortedDuringFault(timeline: Timeline): Timeline {
  const injectedAt = timeline.events.find((e) => e.kind === 'fault-inject')?.at ?? 0;
  const stopAt = injectedAt + 5_000;
  const phases = timeline.phases.filter((p) => p.start < stopAt).map((p) => ({ ...p }));
  const open = phases.at(-1);
  if (open) open.end = open.start;
  return {
    phases,
    events: timeline.events.filter((e) => e.at <= stopAt),
    samples: timeline.samples.filter((s) => s.end <= stopAt),
    etcdStatus: timeline.etcdStatus.filter((s) => s.at <= stopAt),
    writes: timeline.writes.filter((w) => w.end <= stopAt),
    readBack: [],
  };
}

/** Well-formed enough for a CI parser: balanced tags, no raw markup in attribute values or text. */
function expectWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).to.equal(true);
  // eslint-disable-next-line no-control-regex
  expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml)).to.equal(false);
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<&]*(?:&[#\w]+;[^"<&]*)*")*)\s*(\/?)>/g;
  let last = 0;
  for (const m of body.matchAll(tag)) {
    const between = body.slice(last, m.index);
    expect(between, 'text between tags').to.not.match(/[<>]/);
    expect(between.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, '')).to.not.contain('&');
    last = (m.index ?? 0) + m[0].length;
    const [, closing, name = '', , selfClosing] = m;
    if (closing) expect(stack.pop(), `closing ${name}`).to.equal(name);
    else if (!selfClosing) stack.push(name);
  }
  expect(body.slice(last).trim()).to.equal('');
  expect(stack).to.deep.equal([]);
}

describe('report: timeline codec', () => {
  it('decode(encode(x)) deep-equals x for recorded drills', () => {
    for (const timeline of [partition, powerLoss]) {
      expect(decodeTimeline(encodeTimeline(timeline))).to.deep.equal(timeline);
    }
  });

  it('survives JSON, which is how report.json stores it', () => {
    const through = JSON.parse(JSON.stringify(encodeTimeline(partition))) as ReturnType<
      typeof encodeTimeline
    >;
    expect(decodeTimeline(through)).to.deep.equal(partition);
  });

  it('keeps the recorded order of interleaved probes, optional fields, and fractional times', () => {
    const t0 = 1_767_225_600_000.125;
    const timeline: Timeline = {
      phases: [{ name: 'baseline', start: t0, end: t0 + 1000.5 }],
      events: [{ at: t0 + 0.001, kind: 'note', message: 'x', data: { a: 1, b: null, c: true, d: 's' } }],
      samples: [
        { probe: 'b', start: t0 + 10.3, end: t0 + 12.7, outcome: 'ok' },
        { probe: 'a', start: t0 + 0.1, end: t0 + 2000.9, outcome: 'timeout', target: 'x:1', detail: '' },
        { probe: 'b', start: t0 + 5, end: t0 + 5, outcome: 'error', detail: 'HTTP 500 <html>' },
        { probe: 'a', start: t0 + 0.2, end: t0 + 0.3, outcome: 'ok', target: 'x:1' },
      ],
      etcdStatus: [
        { at: t0 + 1, member: 'm2', ok: false },
        { at: t0 + 1.5, member: 'm1', ok: true, leader: 'ab', id: 'ab', raftTerm: 0 },
        { at: t0 + 2, member: 'm2', ok: true, leader: 'ab', id: 'cd' },
      ],
      writes: [
        { key: 'ns/a', value: 'v', outcome: 'acked', start: t0 + 3, end: t0 + 4.25, resourceVersion: '7' },
      ],
      readBack: [
        { key: 'ns/a', found: true, value: 'v', resourceVersion: '7' },
        { key: 'ns/b', found: false },
      ],
    };
    const encoded = encodeTimeline(timeline);
    expect(encoded.samples.probes).to.deep.equal(['b', 'a']);
    expect(encoded.samples.order).to.deep.equal([0, 1, 0, 1]);
    expect(encoded.samples.columns[1]?.outcome).to.equal('to');
    expect(decodeTimeline(JSON.parse(JSON.stringify(encoded)))).to.deep.equal(timeline);
  });

  it('falls back to absolute times rather than round any of them', () => {
    const timeline: Timeline = {
      ...emptyTimeline(),
      samples: [
        // Shifted by the earliest time (1), 2^53 + 2 would round to 2^53 on the way back.
        { probe: 'p', start: 1, end: 1.5, outcome: 'ok' },
        { probe: 'p', start: 1, end: 9007199254740994, outcome: 'ok' },
      ],
    };
    const encoded = encodeTimeline(timeline);
    expect(encoded.base).to.equal(0);
    expect(encoded.samples.columns[0]?.duration, 'durations would not add back either').to.equal(undefined);
    expect(decodeTimeline(JSON.parse(JSON.stringify(encoded)))).to.deep.equal(timeline);
  });

  it('an empty timeline round-trips; a damaged one is refused with a reason', () => {
    expect(decodeTimeline(encodeTimeline(emptyTimeline()))).to.deep.equal(emptyTimeline());
    const encoded = encodeTimeline(partition);
    encoded.samples.order.push(99);
    expect(() => decodeTimeline(encoded)).to.throw(/order names group 99/);
    const bad = {
      ...emptyTimeline(),
      samples: [{ probe: 'p', start: 1, end: 2, outcome: 'fine' } as unknown as Sample],
    };
    expect(() => encodeTimeline(bad)).to.throw(/unknown outcome "fine"/);
  });

  it('is several times smaller than the plain timeline', () => {
    const plain = JSON.stringify(partition).length;
    const compact = JSON.stringify(encodeTimeline(partition)).length;
    expect(compact * 3).to.be.lessThan(plain);
  });
});

describe('report: model and report.json', () => {
  it('holds everything the audit needs and exits 1 when an SLO failed', () => {
    // Outside the fault window the partition drill's API P99 is 14.007 ms: a 10 ms threshold fails it.
    const report = buildReport(input(partition, { slos: { ...DEFAULT_SLOS, apiP99Ms: 10 } }));
    expect(report.schemaVersion).to.equal(1);
    expect(report.status).to.equal('completed');
    expect(report).to.not.have.property('abortReason');
    expect(report.audit).to.deep.include({
      host: 'drill-1',
      toolVersion: '0.1.0',
      scenarioSha256: 'a'.repeat(64),
      startedAt: '2026-01-15T09:59:59.000Z',
      endedAt: '2026-01-15T10:01:02.000Z',
    });
    expect(report.verdicts.map((v) => [v.slo, v.pass])).to.deep.equal([
      ['failover', true],
      ['api-p99-latency', false],
      ['api-error-rate', true],
      ['lost-writes', true],
      ['resource-version-order', true],
    ]);
    expect(report.exitCode).to.equal(1);
  });

  it('exits 0 when every SLO passed and 3 when the run was aborted', () => {
    // The 2000 ms timeouts of the fault window are judged by the failover SLO, not the P99 one.
    const passed = buildReport(input(partition));
    expect(passed.verdicts.filter((v) => !v.pass).map((v) => v.slo)).to.deep.equal([]);
    expect(passed.exitCode).to.equal(0);
    const aborted = buildReport(
      input(abortedDuringFault(partition), { abortReason: 'interrupted (SIGINT)' }),
    );
    expect(aborted.status).to.equal('aborted');
    expect(aborted.abortReason).to.equal('interrupted (SIGINT)');
    expect(aborted.exitCode).to.equal(3);
  });

  it('keeps the recording when the analysis fails', () => {
    const broken: Timeline = {
      ...emptyTimeline(),
      samples: [{ probe: 'api-read', start: 1, end: Infinity, outcome: 'ok' }],
    };
    const report = buildReport(input(broken));
    expect(report.analysis).to.equal(null);
    expect(report.analysisError).to.match(/not a real clock reading/);
    expect(report.verdicts).to.deep.equal([]);
    expect(report.exitCode).to.equal(3);
    expect(report.timeline.samples.probes).to.deep.equal(['api-read']);
  });

  it('report.json parses back to the same report, and its timeline to the recorded one', () => {
    const report = buildReport(input(powerLoss));
    const text = renderJson(report);
    expect(JSON.parse(text)).to.deep.equal(JSON.parse(JSON.stringify(report)));
    const parsed = parseReport(text);
    expect(decodeTimeline(parsed.timeline)).to.deep.equal(powerLoss);
    expect(parsed.verdicts).to.deep.equal(report.verdicts);
  });

  it('keeps arrays of plain values on one line', () => {
    expect(stringifyReadable({ a: [1, 2, 3], b: [{ c: 'x' }], d: [], e: undefined })).to.equal(
      '{\n  "a": [1,2,3],\n  "b": [\n    {\n      "c": "x"\n    }\n  ],\n  "d": []\n}',
    );
  });

  it('refuses a schema version it does not know', () => {
    expect(() => parseReport('{"schemaVersion": 2}')).to.throw(ReportFormatError, /schemaVersion 2 is not 1/);
    expect(() => parseReport('[]')).to.throw(ReportFormatError);
  });
});

describe('report: markdown', () => {
  it('escapes recorded text so it cannot become markup', () => {
    expect(md('a|b <html> *x* _y_ [z](u) `c`')).to.equal(
      'a\\|b &lt;html&gt; \\*x\\* \\_y\\_ \\[z\\](u) \\`c\\`',
    );
    expect(md('two\nlines')).to.equal('two lines');
    expect(code('a`b')).to.equal('``a`b``');
    expect(table(['h'], [[code('a|b')]])).to.equal('| h |\n| --- |\n| `a\\|b` |');
  });

  const report = buildReport(
    input(powerLoss, { scenario: { ...input(powerLoss).scenario, name: 'etcd-power-loss' } }),
  );
  const text = renderMarkdown(report);

  it('has the header, audit block, verdict table and every section an auditor reads', () => {
    const lines = text.split('\n');
    for (const heading of [
      '# Drill report: etcd-power-loss',
      '## Audit',
      '### Components',
      '## Cluster',
      '## Verdicts',
      '## Run and phases',
      '## Requests per phase',
      '## Outages and failover per probe',
      '### Expected bounds from the configuration',
      '## etcd leader',
      '## Writes',
      '## Events',
      '## How each figure is defined',
    ]) {
      expect(lines, heading).to.include(heading);
    }
    expect(text).to.contain('**Result: FAIL**: 3 of 5 checks failed (exit code 1)');
    expect(text).to.contain(`| Scenario SHA-256 | \`${'a'.repeat(64)}\` |`);
    expect(text).to.contain(`| kube-apiserver | v1.36.3 | \`${'c'.repeat(64)}\` |`);
    expect(text).to.match(/\| `lost-writes`: .* \| 8 writes \| at most 0 writes \| \*\*FAIL\*\* \|/);
    expect(text).to.match(
      /\| `api-p99-latency`: P99 latency of API requests outside the fault window .* \| 97\.02 ms \| at most 500\.00 ms \| PASS \|/,
    );
  });

  it('shows the API figures the SLOs judge beside the whole-run ones', () => {
    expect(text).to.contain(
      'Whole run, API probes (`api-read`, `api-write`, `k6:get`), fault window included; reported, not judged',
    );
    expect(text).to.contain(
      '| **API probes** | 900 | 318 | 32 | 35.333 % | 6.00 ms | 97.02 ms | 2000.00 ms |',
    );
    expect(text).to.contain(
      'API requests outside the fault window (started in the baseline or recovery phase), judged by the P99 and ' +
        'error-rate SLOs: 168 failed of 750 requests (22.400 %), P50 5.00 ms, P95 14.01 ms, P99 97.02 ms, ' +
        'max 2000.00 ms; left out: 150 started in the fault phase, 0 outside every phase.',
    );
  });

  it('names every lost key and shows failover next to its bound', () => {
    for (const lost of report.analysis?.writes.lost ?? []) expect(text).to.contain(`\`${lost.key}\``);
    expect(text).to.contain('**Lost acknowledged writes: 8.**');
    expect(text).to.contain(
      'Bound of a service probe: max(etcd elects a new leader 2000 ms, a request on a member without a leader fails ' +
        '7000 ms, HAProxy marks a dead backend down 6000 ms) = 7000 ms.',
    );
    expect(text).to.match(/\| api-read \| yes \| 1 \| 10\.503 s \| 10\.503 s \| 7\.000 s \| \*\*no\*\* \|/);
    expect(text).to.contain('| 2 x election timeout 1000 ms = 2000 ms (heartbeat 100 ms) |');
  });

  it('lists leader changes and events in seconds from the start of the first phase', () => {
    expect(text).to.contain('| +21.201 s | node-1 (`8e9e05c52164694d`) | node-3 (`fd422379fda50e48`) | 3 |');
    expect(text).to.contain('| +15.000 s | fault-inject | etcd-power-loss: SIGKILL every etcd member');
    expect(text).to.contain('| -0.300 s | note |');
  });

  it('keeps HTML error pages recorded as details inert', () => {
    expect(text).to.not.contain('<html>');
    expect(text).to.not.contain('<h1>');
  });

  it('copies every definition', () => {
    for (const d of FIGURE_DEFINITIONS) expect(text).to.contain(`- **${md(d.term)}**: ${md(d.definition)}`);
  });

  it('an aborted run says why it stopped and what was measured so far', () => {
    const aborted = buildReport(
      input(abortedDuringFault(partition), { abortReason: 'interrupted (SIGINT) | by the operator' }),
    );
    const abortedText = renderMarkdown(aborted);
    expect(abortedText).to.contain('**Result: ABORTED** (exit code 3)');
    expect(abortedText).to.contain('> **This run was aborted:** interrupted (SIGINT) \\| by the operator');
    expect(abortedText).to.contain('It stopped during the fault phase, at +25.000 s.');
    expect(abortedText).to.contain(
      'Phases reached: baseline, fault. The fault was injected at +20.000 s and no heal',
    );
    expect(abortedText).to.contain('| fault (still open when the run stopped) |');
    expect(abortedText).to.contain('## Verdicts');
    expect(abortedText).to.contain('No read-back was recorded, so none of the');
  });

  it('a report whose analysis failed still lists the events', () => {
    const broken = buildReport(
      input({
        ...emptyTimeline(),
        events: [{ at: 1_000, kind: 'error', message: 'probe crashed' }],
        samples: [{ probe: 'api-read', start: 500, end: Infinity, outcome: 'ok' }],
      }),
    );
    const brokenText = renderMarkdown(broken);
    expect(brokenText).to.contain('**The analysis failed:**');
    expect(brokenText).to.contain('| +0.500 s | error | probe crashed |');
    expect(brokenText).to.contain('No verdicts: the analysis did not run.');
  });
});

describe('report: junit.xml', () => {
  it('escapes text and attributes, and drops what XML cannot carry', () => {
    expect(xmlText('a < b && c > d')).to.equal('a &lt; b &amp;&amp; c &gt; d');
    expect(xmlAttr(`"it's"\nnext`)).to.equal('&quot;it&apos;s&quot;&#10;next');
    expect(xmlText('bell\u0007 lone\uD800 pair\u{1F600}')).to.equal('bell\uFFFD lone\uFFFD pair\u{1F600}');
  });

  it('has one testcase per SLO, failures naming measured and threshold', () => {
    const xml = renderJunit(buildReport(input(powerLoss)));
    expectWellFormedXml(xml);
    expect(xml.match(/<testcase /g)).to.have.length(5);
    expect(xml).to.contain('<testsuites name="kube-ha-drill" tests="5" failures="3" errors="0" skipped="0"');
    expect(xml).to.contain(
      'message="lost-writes: measured 8 writes exceeds threshold 0 writes" type="SloFailed"',
    );
    expect(xml).to.contain(
      'name="failover: Longest outage window of any service probe" time="0">\n      <system-out>',
    );
    expect(xml).to.contain(
      'name="api-p99-latency: P99 latency of API requests outside the fault window (baseline and recovery phases)" ' +
        'time="0">\n      <system-out>api-p99-latency: measured 97.023 ms, threshold 500 ms.',
    );
    expect(xml).to.contain('timestamp="2026-01-15T09:59:59"');
  });

  it('escapes hostile names and details', () => {
    const hostile = input(powerLoss, {
      scenario: { ...input(powerLoss).scenario, name: `a<b>&"c'\u0001` },
      host: 'h"ost',
    });
    const xml = renderJunit(buildReport(hostile));
    expectWellFormedXml(xml);
    expect(xml).to.contain('name="a&lt;b&gt;&amp;&quot;c&apos;\uFFFD"');
  });

  it('an aborted run is an error testcase, besides the verdicts of what was measured', () => {
    const xml = renderJunit(
      buildReport(
        input(abortedDuringFault(partition), { abortReason: 'etcd node-2 would not start: <exit 1>' }),
      ),
    );
    expectWellFormedXml(xml);
    expect(xml).to.contain('errors="1"');
    expect(xml).to.contain(
      '<error message="drill aborted: etcd node-2 would not start: &lt;exit 1&gt;" type="DrillAborted">',
    );
    expect(xml).to.contain('phases reached: baseline, fault');
  });
});

describe('report: writing the files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'khd-report-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes report.json first, then report.md and junit.xml', async () => {
    const report = buildReport(input(partition));
    const result = await writeReports(path.join(dir, 'run-1'), report);
    expect(result.failed).to.deep.equal([]);
    expect(result.written.map((f) => path.basename(f))).to.deep.equal([
      'report.json',
      'report.md',
      'junit.xml',
    ]);
    expect(readdirSync(path.join(dir, 'run-1')).sort()).to.deep.equal([
      'junit.xml',
      'report.json',
      'report.md',
    ]);
    const back = parseReport(readFileSync(path.join(dir, 'run-1', 'report.json'), 'utf8'));
    expect(renderMarkdown(back)).to.equal(readFileSync(path.join(dir, 'run-1', 'report.md'), 'utf8'));
  });

  it('one failing writer loses nothing else, and its error is returned', async () => {
    const report = buildReport(input(partition));
    const result = await writeReports(dir, report, [
      { file: 'report.json', render: renderJson },
      {
        file: 'report.md',
        render: () => {
          throw new Error('markdown writer broke');
        },
      },
      { file: 'junit.xml', render: renderJunit },
    ]);
    expect(result.failed).to.deep.equal([{ file: 'report.md', error: 'markdown writer broke' }]);
    expect(result.written.map((f) => path.basename(f))).to.deep.equal(['report.json', 'junit.xml']);
    expect(existsSync(path.join(dir, 'report.md'))).to.equal(false);
    expect(readdirSync(dir).some((f) => f.endsWith('.partial'))).to.equal(false);
  });

  it('reports a directory it cannot create as a failure of each writer instead of throwing', async () => {
    const blocked = path.join(dir, 'file');
    await writeReports(dir, buildReport(input(emptyTimeline())), [{ file: 'file', render: () => 'x' }]);
    const result = await writeReports(path.join(blocked, 'sub'), buildReport(input(emptyTimeline())));
    expect(result.written).to.deep.equal([]);
    expect(result.failed.map((f) => f.file)).to.deep.equal(['report.json', 'report.md', 'junit.xml']);
  });
});
