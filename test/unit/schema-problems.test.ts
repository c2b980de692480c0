import { expect } from 'chai';
import { z } from 'zod';
import { schemaVersion, strictObject, wholeNumber, whenValid } from '../../src/schema/building-blocks.ts';
import { mustBe } from '../../src/schema/messages.ts';
import { checkAgainst, parseOrThrow } from '../../src/schema/parse.ts';
import { EnvironmentError, UsageError } from '../../src/util/errors.ts';

describe('schema problems as `path: message` lines', () => {
  const schema = strictObject({
    port: wholeNumber(1024, 65535),
    tags: z.array(z.string({ error: mustBe('a string') })),
    pins: z.record(z.string().regex(/^[a-z]+$/, { error: mustBe('lower-case') }), z.null()),
    nested: strictObject({ on: z.boolean() }, 'setting').optional(),
  });

  it('names the path of each problem, and the value', () => {
    expect(checkAgainst(schema, { port: 80.5, tags: ['a', 7], pins: { Bad: null } })).to.deep.equal({
      ok: false,
      problems: [
        'port: 80.5 must be a whole number from 1024 to 65535',
        'tags[1]: 7 must be a string',
        'pins: "Bad" must be lower-case',
      ],
    });
  });

  it('names each unknown key on its own line, with the known ones', () => {
    const problems = checkAgainst(schema, {
      port: 2000,
      tags: [],
      pins: {},
      prot: 1,
      nested: { on: true, of: 1 },
    });
    expect(problems).to.deep.equal({
      ok: false,
      problems: [
        'nested.of: unknown setting; known: on',
        'prot: unknown key; known: port, tags, pins, nested',
      ],
    });
  });

  it('names a value failing two checks with the same message once', () => {
    expect(checkAgainst(wholeNumber(10, 20), 2 ** 60)).to.deep.equal({
      ok: false,
      problems: ['1152921504606847000 must be a whole number from 10 to 20'],
    });
  });

  it('throws the given error with the source before every line', () => {
    const fail = (message: string) => new EnvironmentError(message, 'fix it');
    expect(() => parseOrThrow(schema, { port: 1, tags: [], pins: {} }, { source: 'x.json', fail }))
      .to.throw(EnvironmentError, 'x.json: port: 1 must be a whole number from 1024 to 65535')
      .with.property('fix', 'fix it');
    expect(() => parseOrThrow(schemaVersion(2), 3, { source: 'y.json' })).to.throw(
      UsageError,
      /^y\.json: unsupported schema 3; this version reads schema 2$/,
    );
    expect(parseOrThrow(schema, { port: 1024, tags: [], pins: { a: null } }, { source: 'z' })).to.deep.equal({
      port: 1024,
      tags: [],
      pins: { a: null },
    });
  });

  it('runs a rule across fields only once the fields it compares are valid', () => {
    const range = z
      .object({ low: wholeNumber(0, 10), high: wholeNumber(0, 10), label: z.string() })
      .superRefine(
        (r, ctx) => {
          if (r.high < r.low)
            ctx.addIssue({ code: 'custom', path: ['high'], message: 'must be at least low' });
        },
        { when: whenValid('low', 'high') },
      );
    const problems = (input: unknown) => (checkAgainst(range, input) as { problems: string[] }).problems;
    expect(problems({ low: 5, high: 2, label: 7 })).to.deep.equal([
      'label: Invalid input: expected string, received number',
      'high: must be at least low',
    ]);
    expect(problems({ low: 5, high: 20, label: 'x' })).to.deep.equal([
      'high: 20 must be a whole number from 0 to 10',
    ]);
    expect(problems(null)).to.deep.equal(['Invalid input: expected object, received null']);
  });
});
