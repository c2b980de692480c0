import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { repoRoot } from '../../src/components/manifest.ts';
import { scenarioNames, shippedScenariosDir } from '../../src/scenario/load.ts';
import { validateScenario } from '../../src/scenario/validate.ts';

/** scenario.schema.json as an editor or another tool reads it: checked by a JSON Schema validator of its own. */
const schema: unknown = JSON.parse(readFileSync(path.join(repoRoot, 'scenario.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema as object);

describe('scenario.schema.json', () => {
  for (const name of scenarioNames(shippedScenariosDir)) {
    it(`accepts the shipped scenario ${name}`, async () => {
      const file = pathToFileURL(path.join(shippedScenariosDir, `${name}.ts`)).href;
      const input = ((await import(file)) as { default: unknown }).default;
      expect(validate(input), JSON.stringify(validate.errors)).to.equal(true);
    });
  }

  it('refuses what the tool refuses: a fault without a role, an unknown key, a hold of -5', () => {
    const base = { name: 'x', description: 'A drill.', faults: [{ kind: 'kill', etcd: 'leader' }] };
    expect(validate(base)).to.equal(true);
    expect(validate({ ...base, faults: [{ kind: 'kill' }] })).to.equal(false);
    expect(validate({ ...base, faults: [{ kind: 'kill', etcd: 'leader', apiserver: 'any' }] })).to.equal(
      false,
    );
    expect(validate({ ...base, slo: {} })).to.equal(false);
    expect(validate({ ...base, phases: { holdSeconds: -5 } })).to.equal(false);
    expect(validate({ ...base, phases: { holdSeconds: '1m30s' } })).to.equal(true);
  });

  it('a JSON scenario may name the schema for editors; the tool ignores it', () => {
    const s = validateScenario({
      $schema: '../scenario.schema.json',
      name: 'x',
      description: 'A drill.',
      faults: [{ kind: 'isolate', etcd: 'follower' }],
    });
    expect(s).to.not.have.property('$schema');
    expect(s.faults).to.deep.equal([{ kind: 'isolate', etcd: 'follower' }]);
  });
});
