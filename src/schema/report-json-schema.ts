/**
 * report.json's JSON Schema (and that of `drill --json`), generated from the TypeScript types the tool writes it with
 * (src/report/report-model.ts), so the published schema and the writer cannot drift apart. Closed:
 * a field the types do not declare fails validation.
 */
import path from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { repoRoot } from '../components/manifest.ts';
import { REPORT_SCHEMA_VERSION } from '../report/report-model.ts';

/** The JSON Schema of a type exported by a module under src/. */
function schemaOfType(file: string, type: string): object {
  return createGenerator({
    path: path.join(repoRoot, 'src', file),
    tsconfig: path.join(repoRoot, 'tsconfig.json'),
    type,
    // `npm run typecheck` checks the types; the generator only reads them.
    skipTypeCheck: true,
    jsDoc: 'extended',
    additionalProperties: false,
  }).createSchema(type);
}

export function reportJsonSchema(): object {
  return {
    ...schemaOfType('report/report-model.ts', 'Report'),
    title: `kube-ha-drill report.json, schemaVersion ${REPORT_SCHEMA_VERSION}`,
    description:
      'One drill: the scenario, the audit record, the cluster, every request and event (the timeline, ' +
      'columnar), the analysis and the verdicts. report.md and junit.xml are rendered from it alone.',
  };
}

/** What `drill --json` prints. */
export function drillSummaryJsonSchema(): object {
  return {
    ...schemaOfType('report/drill-summary.ts', 'DrillSummary'),
    title: 'kube-ha-drill drill --json',
    description: "A drill's verdict summary, as `drill --json` prints it on stdout.",
  };
}

/** What a game day writes as index.json (and prints with --json). */
export function gamedayIndexJsonSchema(): object {
  return {
    ...schemaOfType('gameday/suite-outcome.ts', 'GamedayIndex'),
    title: 'kube-ha-drill game day index.json',
    description: 'A game day: its suite, each drill with its result and report directory, and the exit code.',
  };
}
