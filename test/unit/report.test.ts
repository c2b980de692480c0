import { expect } from 'chai';
import { expectValidReport } from '../report-schema.ts';
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

function loadSynthetic(name: string): Timeline {
  const url = new URL(`../fixtures/synthetic/${name}.json`, import.meta.url);
  return { ...emptyTimeline(), ...(JSON.parse(readFileSync(url, 'utf8')) as Partial<Timeline>) };
}

const partition = loadSynthetic('etcd-leader-partition');
const powerLoss = loadSynthetic('etcd-power-loss-lost-writes');

/**
 * A 30 s run at 120 API requests a second, with k6's own summary, whose writes all read back: every
 * verdict can be decided, and passes.
 */
function decidable(): Timeline {
  const samples: Sample[] = [];
  const streams = ['api-read', 'api-write', 'api-read-keepalive', 'api-write-keepalive', 'dns', 'watch'];
  for (const [k, probe] of [
    ...streams,
    'k6:get',
    'k6:list',
    'k6:get',
    'k6:create',
    'k6:get',
    'k6:list',
  ].entries())
    for (let t = k * 7; t < 30_000; t += 100)
      samples.push({ probe, start: T0 + t, end: T0 + t + 4 + (t % 3), outcome: 'ok' });
  const writes = Array.from({ length: 50 }, (_, i) => ({
    key: `ns/w${i}`,
    value: String(i),
    outcome: 'acked' as const,
    start: T0 + i * 100,
    end: T0 + i * 100 + 5,
    resourceVersion: String(100 + i),
  }));
  const k6 = samples.filter((x) => x.probe.startsWith('k6:'));
  return {
    ...emptyTimeline(),
    phases: [
      { name: 'baseline', start: T0, end: T0 + 10_000 },
      { name: 'fault', start: T0 + 10_000, end: T0 + 20_000 },
      { name: 'recovery', start: T0 + 20_000, end: T0 + 30_000 },
    ],
    events: [
      { at: T0 + 10_000, kind: 'fault-inject', message: 'inject' },
      { at: T0 + 20_000, kind: 'fault-heal', message: 'heal' },
    ],
    samples,
    writes,
    readBack: writes.map((w) => ({
      key: w.key,
      found: true,
      value: w.value,
      resourceVersion: w.resourceVersion,
    })),
    load: {
      rate: 60,
      requests: k6.length,
      droppedIterations: 0,
      p99Ms: 6,
      unreadable: 0,
      cancelledAtStop: 0,
    },
  };
}
const T0 = 1_767_225_600_000;

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
    judging: {
      health: { slowMs: 500, sustainMs: 5000 },
      probeIntervalMs: 100,
      lbPollMs: 250,
      loadRate: null,
    },
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
    ...emptyTimeline(),
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
      ...emptyTimeline(),
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
      etcdReadBack: [{ key: 'ns/a', found: true, value: 'v', modRevision: '7' }],
      lbStatus: [{ at: t0 + 3, server: 'node-1', status: 'DOWN', check: 'L4CON' }],
      etcdLog: [{ at: t0 + 4, member: 'node-2', message: 'b became leader at term 3' }],
      etcdLogRead: ['node-1', 'node-2'],
      metrics: [
        {
          at: t0 + 5,
          component: 'etcd',
          member: 'node-1',
          ok: true,
          processStartSeconds: 1.5,
          values: { leader_changes: 2 },
        },
      ],
      load: { rate: 10, requests: 1, droppedIterations: 0, p99Ms: 1.5, unreadable: 0, cancelledAtStop: 1 },
      harness: {
        cpuSeconds: { drill: 1.5, k6: null },
        overSeconds: 1,
        eventLoopDelay: { p50Ms: 1, p99Ms: 2, maxMs: 3 },
      },
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
    const report = buildReport(input(decidable(), { slos: { ...DEFAULT_SLOS, apiP99Ms: 5 } }));
    expect(report.schemaVersion).to.equal(2);
    expect(report.status).to.equal('completed');
    expect(report).to.not.have.property('abortReason');
    expect(report.judging.health).to.deep.equal({ slowMs: 500, sustainMs: 5000 });
    expect(report.audit).to.deep.include({
      host: 'drill-1',
      toolVersion: '0.1.0',
      scenarioSha256: 'a'.repeat(64),
    });
    expect(report.verdicts.filter((v) => v.result === 'fail').map((v) => [v.slo, v.interval])).to.deep.equal([
      ['api-p99-latency', 'baseline'],
      ['api-p99-latency', 'degraded'],
      ['api-p99-latency', 'recovered'],
    ]);
    expect(report.exitCode).to.equal(1);
  });

  it('exits 0 when every verdict passed, 4 when some had insufficient evidence, 3 when the run was aborted', () => {
    const passed = buildReport(input(decidable()));
    expect(
      passed.verdicts.filter((v) => v.result !== 'pass').map((v) => `${v.slo}: ${v.detail}`),
    ).to.deep.equal([]);
    expect(passed.exitCode).to.equal(0);
    // Two API probes give 200 requests a 10 s interval: too few to resolve 0.1 %.
    const undecided = buildReport(input(partition));
    expect(undecided.verdicts.some((v) => v.result === 'fail')).to.equal(false);
    expect(undecided.verdicts.some((v) => v.result === 'insufficient-evidence')).to.equal(true);
    expect(undecided.exitCode).to.equal(4);
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
    expectValidReport(parsed);
    expect(decodeTimeline(parsed.timeline)).to.deep.equal(powerLoss);
    expect(parsed.verdicts).to.deep.equal(report.verdicts);
  });

  it('keeps arrays of plain values on one line', () => {
    expect(stringifyReadable({ a: [1, 2, 3], b: [{ c: 'x' }], d: [], e: undefined })).to.equal(
      '{\n  "a": [1,2,3],\n  "b": [\n    {\n      "c": "x"\n    }\n  ],\n  "d": []\n}',
    );
  });

  it('refuses a schema version it does not know', () => {
    expect(() => parseReport('{"schemaVersion": 1}')).to.throw(ReportFormatError, /schemaVersion 1 is not 2/);
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
      '## Service health: failover, degraded and recovered',
      '### Judged intervals',
      '### Unavailable windows of the service',
      '## Cross-checks',
      '## Run and phases',
      '## Requests per phase',
      '## Each probe',
      '### Expected bounds from the configuration',
      '## etcd leader',
      '## Writes',
      '## The instrument itself',
      '## Events',
      '## How each figure is defined',
    ]) {
      expect(lines, heading).to.include(heading);
    }
    const failed = report.verdicts.filter((v) => v.result === 'fail').length;
    const undecided = report.verdicts.filter((v) => v.result === 'insufficient-evidence').length;
    expect(text).to.contain(
      `**Result: FAIL**: ${failed} of ${report.verdicts.length} checks failed, ${undecided} undecided (exit code 1)`,
    );
    expect(text).to.contain(`| Scenario SHA-256 | \`${'a'.repeat(64)}\` |`);
    expect(text).to.contain(`| kube-apiserver | v1.36.3 | \`${'c'.repeat(64)}\` |`);
    expect(text).to.match(
      /\| `lost-writes`: .* \| 8 writes \| at most 0 writes \| \*\*FAIL\*\* \| 192 acknowledged writes;/,
    );
    expect(text).to.match(
      /\| `api-error-rate`: .* \| baseline \| 0\.000 % of 450 \| at most 0\.1 % \| \*\*INSUFFICIENT EVIDENCE\*\* \|/,
    );
  });

  it('prints each figure with what it rests on and its resolution', () => {
    expect(text).to.contain('one failed request = 0.222 %');
    expect(text).to.contain('at most one probe interval (100 ms)');
    expect(text).to.contain('| baseline | +0.000 s | +15.000 s | 15.000 s | 450 | 0 | 0.000 % | 0.222 % |');
    expect(text).to.contain(
      '- Read straight from etcd (linearizable, etcdctl): **not done**; nothing below rests on it.',
    );
  });

  it('shows the whole-run API figures, reported and not judged', () => {
    expect(text).to.contain(
      'Whole run, API probes (`api-read`, `api-write`, `k6:get`), fault window included; reported, not judged',
    );
    expect(text).to.contain(
      '| **API probes** | 900 | 318 | 32 | 35.333 % | 6.00 ms | 97.02 ms | 2000.00 ms |',
    );
  });

  it('names every lost key with the read that saw it', () => {
    for (const lost of report.analysis?.writes.lost ?? []) expect(text).to.contain(`\`${lost.key}\``);
    expect(text).to.contain('**Lost acknowledged writes: 8 keys.**');
    expect(text).to.match(
      /\| `khd-drill\/w-q9m3v8-000142` \| create \| \+\d+\.\d+ s \| \d+ \| `[^`]+` \| nothing \| missing \| api \|/,
    );
    expect(text).to.contain('| 2 x election timeout 1000 ms = 2000 ms (heartbeat 100 ms) |');
  });

  it('states nothing it did not measure', () => {
    const noReadBack = renderMarkdown(buildReport(input({ ...powerLoss, readBack: [] })));
    expect(noReadBack).to.contain('**Nothing was read back**: no acknowledged write was checked.');
    expect(noReadBack).to.not.contain('Every acknowledged write was found');
    expect(noReadBack).to.contain('- Load: no k6 summary was recorded.');
    expect(noReadBack).to.contain('- The harness did not record its own cost.');
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
    expect(abortedText).to.contain('No read-back was done, so none of the');
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

  it('has one testcase per verdict: failures name measured and threshold, insufficient evidence is skipped', () => {
    const report = buildReport(input(powerLoss));
    const xml = renderJunit(report);
    expectWellFormedXml(xml);
    const n = report.verdicts.length;
    const failed = report.verdicts.filter((v) => v.result === 'fail').length;
    const skipped = report.verdicts.filter((v) => v.result === 'insufficient-evidence').length;
    expect(xml.match(/<testcase /g)).to.have.length(n);
    expect(xml).to.contain(
      `<testsuites name="kube-ha-drill" tests="${n}" failures="${failed}" errors="0" skipped="${skipped}"`,
    );
    expect(xml).to.contain(
      'message="lost-writes: measured 8 writes exceeds threshold 0 writes" type="SloFailed"',
    );
    expect(xml).to.contain(
      'name="api-error-rate (baseline): Error rate of API requests in the baseline, before the injection"',
    );
    expect(xml).to.contain(
      '<skipped message="api-error-rate: insufficient evidence (measured 0.000 % of 450, threshold 0.1 %)"/>',
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

  it('writes report.json first, then report.md, junit.xml and report.html', async () => {
    const report = buildReport(input(partition));
    const result = await writeReports(path.join(dir, 'run-1'), report);
    expect(result.failed).to.deep.equal([]);
    expect(result.written.map((f) => path.basename(f))).to.deep.equal([
      'report.json',
      'report.md',
      'junit.xml',
      'report.html',
    ]);
    expect(readdirSync(path.join(dir, 'run-1')).sort()).to.deep.equal([
      'junit.xml',
      'report.html',
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
    expect(result.failed.map((f) => f.file)).to.deep.equal([
      'report.json',
      'report.md',
      'junit.xml',
      'report.html',
    ]);
  });
});
