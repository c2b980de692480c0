import { expect } from 'chai';
import fc from 'fast-check';
import { parseState } from '../../src/providers/local/state.ts';
import { EnvironmentError } from '../../src/util/errors.ts';

/**
 * The state file names processes to signal and rules to delete as root: whatever is in it, reading
 * it either yields a well-formed state or a clear error, never another exception or a half-trusted
 * value.
 */
const GOOD = {
  schema: 2,
  name: 'khd',
  id: '0123456789abcdef0123456789abcdef',
  createdAt: '2026-11-23T11:56:00.000Z',
  owner: { command: 'cluster-up', pid: 4242 },
  status: 'running',
  config: { name: 'khd' },
  programs: ['/root/.cache/kube-ha-drill/components/etcd/v3.6.6/bin/etcd'],
  resources: [
    { kind: 'dir', path: '/dev/shm/kube-ha-drill/khd' },
    { kind: 'bridge', name: 'khd-br0' },
    { kind: 'supervisor', pid: 4243, startTicks: 123456 },
    { kind: 'iptables', table: 'nat', chain: 'OUTPUT', args: ['-d', '10.213.0.10/32', '-j', 'DNAT'] },
  ],
};

function outcome(text: string): 'ok' | 'refused' {
  try {
    parseState(text, 'state.json');
    return 'ok';
  } catch (err) {
    if (err instanceof EnvironmentError) return 'refused';
    throw err;
  }
}

const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', '\n', 'null', '1e400'),
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.boolean(),
);

describe('state file reader, given hostile input', () => {
  it('reads the state this version writes', () => {
    expect(outcome(JSON.stringify(GOOD))).to.equal('ok');
  });

  it('refuses any text, JSON or not, with a clear error and nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          expect(['ok', 'refused']).to.include(outcome(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses a good state with any one field replaced by a value of another type', () => {
    const keys = Object.keys(GOOD) as (keyof typeof GOOD)[];
    fc.assert(
      fc.property(fc.constantFrom(...keys), hostile, (key, value) => {
        const text = JSON.stringify({ ...GOOD, [key]: value });
        // A value of another type is refused; one of the same type must still pass the field's check.
        if (typeof value !== typeof GOOD[key] || value === null) expect(outcome(text)).to.equal('refused');
        else expect(['ok', 'refused']).to.include(outcome(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a resource of a malformed shape, so teardown never acts on it', () => {
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.constantFrom('dir', 'bridge', 'netns', 'veth', 'iptables', 'supervisor', 'other'),
          name: hostile,
          path: hostile,
          pid: hostile,
          table: hostile,
          chain: hostile,
          args: fc.oneof(hostile, fc.array(hostile)),
        }),
        (r) => {
          const text = JSON.stringify({ ...GOOD, resources: [r] });
          const result = outcome(text);
          if (result === 'ok') {
            // Accepted only with the fields its kind needs, each of the right type.
            const ok =
              (r.kind === 'dir' && typeof r.path === 'string' && r.path.startsWith('/')) ||
              (['bridge', 'netns', 'veth'].includes(r.kind) && typeof r.name === 'string') ||
              (r.kind === 'supervisor' && Number.isInteger(r.pid)) ||
              r.kind === 'iptables';
            expect(ok, JSON.stringify(r)).to.equal(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('names the file and what is wrong', () => {
    expect(() => parseState(JSON.stringify({ ...GOOD, schema: 1 }), '/x/state.json')).to.throw(
      EnvironmentError,
      /^\/x\/state\.json: schema: unsupported schema 1; this version reads schema 2$/,
    );
  });
});
