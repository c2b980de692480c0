import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/components/manifest.ts';
import { SCHEMA_FILES } from '../../src/schema/schema-files.ts';

describe('generated JSON Schemas', () => {
  for (const { path: file, generate } of SCHEMA_FILES) {
    it(`${file} is current (else run \`npm run schema\` and commit it)`, () => {
      const onDisk: unknown = JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8'));
      expect(onDisk).to.deep.equal(generate());
    });
  }
});
