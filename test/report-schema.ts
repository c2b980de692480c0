/** Holds a report.json, or what `drill --json` printed, against its published JSON Schema (schemas/). */
import { Ajv, type ValidateFunction } from 'ajv';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../src/components/manifest.ts';

const validators = new Map<string, ValidateFunction>();

export function expectValidAgainst(schemaFile: string, json: unknown, what: string): void {
  let validate = validators.get(schemaFile);
  if (!validate) {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas', schemaFile), 'utf8')) as object;
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    validators.set(schemaFile, validate);
  }
  const ok = validate(json);
  const problems = (validate.errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  expect(ok, `${what} against schemas/${schemaFile}:\n${problems.join('\n')}`).to.equal(true);
}

export function expectValidReport(report: unknown, what = 'report.json'): void {
  expectValidAgainst('report.schema.json', report, what);
}

export function expectValidSummary(summary: unknown, what = 'drill --json'): void {
  expectValidAgainst('drill-summary.schema.json', summary, what);
}
