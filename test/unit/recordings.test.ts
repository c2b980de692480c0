import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { analyze } from '../../src/analysis/analyze.ts';
import { isApiProbe } from '../../src/analysis/probes.ts';
import { parseReport } from '../../src/report/json.ts';
import { analysisSettingsOf, decodeTimeline } from '../../src/report/report-model.ts';
import { WORKLOAD_INTERVAL_MS } from '../../src/observe/probes/control-loop-probes.ts';
import { listScenarios, loadScenario } from '../../src/scenario/load.ts';
import { EXPECTATIONS, expectSoundDrill, type Drill } from '../drill-expectations.ts';
import { drillSummary } from '../../src/report/drill-summary.ts';
import { expectValidReport, expectValidSummary } from '../report-schema.ts';

/**
 * Recordings of real drills (test/fixtures/recordings/, made by record.ts there), analysed again by
 * this version and held against the records of the same run the report did not compute its figures
 * from. A change to the analysis that breaks what a real run shows fails here, without a cluster.
 */
const dir = new URL('../fixtures/recordings/', import.meta.url);
const SUFFIX = '.report.json.gz';
const recordings = readdirSync(dir).filter((f) => f.endsWith(SUFFIX));

function load(file: string): Drill {
  const report = parseReport(gunzipSync(readFileSync(new URL(file, dir))).toString('utf8'));
  const timeline = decodeTimeline(report.timeline);
  return { report, timeline, analysis: analyze(timeline, analysisSettingsOf(report)) };
}

describe('recorded drills', () => {
  it('every shipped scenario has a recording', async () => {
    const shipped = (await listScenarios()).map((s) => s.name).sort();
    expect(recordings.map((f) => f.slice(0, -SUFFIX.length)).sort()).to.deep.equal(shipped);
  });

  for (const file of recordings) {
    const scenario = file.slice(0, -SUFFIX.length);
    describe(scenario, () => {
      const d = load(file);

      it('validates against the published schema of report.json, and so does its analysis redone', () => {
        expectValidReport(d.report, file);
        // The report keeps the verdicts beside the figures.
        const { verdicts, ...figures } = analyze(d.timeline, analysisSettingsOf(d.report));
        expectValidReport({ ...d.report, analysis: figures, verdicts }, `${file} analysed again`);
      });

      it('gives a verdict summary (drill --json) that validates against its schema and says what the report says', () => {
        const summary = drillSummary(d.report, { written: ['/r/report.json'], failed: [] });
        expectValidSummary(JSON.parse(JSON.stringify(summary)) as unknown, file);
        expect(summary.verdicts).to.deep.equal(d.report.verdicts);
        expect(summary.exitCode).to.equal(d.report.exitCode);
        expect(summary.figures.failoverMs).to.equal(d.report.analysis?.service.failover?.failoverMs ?? null);
        expect(summary.faults.length, 'every fault described').to.be.above(0);
      });

      it("analysed again, its figures hold against the run's own records", () => {
        expectSoundDrill(d);
        EXPECTATIONS[scenario]!(d);
      });

      it("was a default run: the scenario's own phases, default load and rules", async () => {
        const s = d.report.cluster.topology.scenario as { phases: unknown; load: { rate: number } };
        expect(s.phases).to.deep.equal((await loadScenario(scenario)).scenario.phases);
        expect(d.report.judging.health).to.deep.equal({ slowMs: 500, sustainMs: 5000 });
        expect(d.report.judging.loadRate).to.equal(s.load.rate);
      });

      it('every judged interval that exists holds enough requests to resolve 0.1 %', () => {
        for (const i of d.analysis.intervals.filter((x) => x.start !== null)) {
          expect(i.api.requests, i.name).to.be.at.least(1000);
          expect(i.load!.delivered, `${i.name}: load delivered`).to.be.at.least(i.load!.asked * 0.95);
        }
      });

      it('counts every API request once, and each probe sampled the whole run', () => {
        const api = d.timeline.samples.filter((s) => isApiProbe(s.probe)).length;
        expect(d.analysis.requests.apiWholeRun.requests).to.equal(api);
        const runMs = d.analysis.run.phases.reduce((n, p) => n + p.end - p.start, 0);
        for (const p of d.analysis.outages.filter((x) => !x.probe.startsWith('k6:') && x.probe !== 'watch')) {
          const every =
            p.probe === 'control:workload'
              ? WORKLOAD_INTERVAL_MS
              : p.probe.startsWith('member:') || p.probe.startsWith('control:')
                ? 250
                : 100;
          expect(p.requests, p.probe).to.be.at.least((0.95 * runMs) / every);
        }
      });
    });
  }
});
