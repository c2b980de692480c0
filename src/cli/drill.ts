import path from 'node:path';
import { ensureWritableReportDir } from './report-dir.ts';
import { ensureComponents } from '../components/components.ts';
import { scenarioNeeds } from '../faults/registry.ts';
import { providerFor, requireCapabilities } from '../providers/registry.ts';
import { writeDrillReports } from '../drill/drill-report.ts';
import { runDrill } from '../drill/run-drill.ts';
import { requireClusterSettings } from '../drill/scenario-cluster.ts';
import { applyOverrides } from '../scenario/overrides.ts';
import { listScenarios, loadScenario } from '../scenario/load.ts';
import { repoRoot } from '../components/manifest.ts';
import { ExitCode } from '../util/errors.ts';
import { defaultReportDir, DRILL_USAGE, parseDrillArgs } from './drill-args.ts';

/** `drill`: runs one scenario against a fresh (or kept) cluster and judges it. */
export async function drillCommand(argv: readonly string[]): Promise<number> {
  const cmd = parseDrillArgs(argv);
  if (cmd.command === 'help') {
    console.log(DRILL_USAGE);
    return ExitCode.ok;
  }
  if (cmd.command === 'list') {
    const all = await listScenarios();
    const width = Math.max(...all.map((s) => s.name.length));
    for (const s of all)
      console.log(`${s.name.padEnd(width)}  ${s.problem ? `(invalid: ${s.problem})` : s.description}`);
    return ExitCode.ok;
  }
  const { options } = cmd;
  const loaded = await loadScenario(options.scenario);
  const scenario = applyOverrides(loaded.scenario, options.overrides);
  const startedAt = new Date();
  const reportDir = path.resolve(
    process.env.INIT_CWD ?? repoRoot,
    options.reportDir ?? path.join(repoRoot, defaultReportDir(scenario.name, startedAt)),
  );
  const provider = providerFor(options.provider, options.providerOptions);
  requireCapabilities(provider, scenarioNeeds(scenario.faults));
  requireClusterSettings(provider, scenario);
  provider.preflight();
  ensureWritableReportDir(reportDir);
  const components = await ensureComponents();
  // The drill makes, uses and removes the default cluster: no `cluster up`/`down` may run meanwhile.
  const run = await provider.withLock(`drill ${scenario.name}`, () =>
    runDrill({
      provider,
      scenario,
      scenarioFile: loaded.file,
      scenarioSha256: loaded.sha256,
      components,
      keepCluster: options.keepCluster,
      reuseCluster: options.reuseCluster,
      reportDir,
    }),
  );
  const { exitCode, summary, json } = await writeDrillReports(run);
  if (options.json) {
    // stdout holds the JSON alone; the table still reaches a person on stderr.
    console.error(summary);
    console.log(JSON.stringify(json, null, 2));
  } else console.log(summary);
  return exitCode;
}
