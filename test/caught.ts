import { expect } from 'chai';
import { EnvironmentError } from '../src/util/errors.ts';

/** The error of class `type` (EnvironmentError) `fn` throws; fails the test when it throws another or none. */
export function caught<E extends Error = EnvironmentError>(
  fn: () => unknown,
  type: new (...args: never[]) => E = EnvironmentError as unknown as new (...args: never[]) => E,
): E {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(type);
    return err as E;
  }
  throw new Error(`expected ${type.name}`);
}

/** The error `p` rejects with; fails the test when it resolves. */
export async function thrown(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}
