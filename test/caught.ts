import { expect } from 'chai';
import { EnvironmentError } from '../src/util/errors.ts';

/** The EnvironmentError `fn` throws; fails the test when it throws another error or none. */
export function caught(fn: () => unknown): EnvironmentError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(EnvironmentError);
    return err as EnvironmentError;
  }
  throw new Error('expected an EnvironmentError');
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
