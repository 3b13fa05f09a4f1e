import type { ClientSession } from 'mongodb';
import { OperationArguments } from '../../spec-runner/operation-arguments';
import { SpecRunnerError } from '../../spec-runner/spec-runner.error';

const session0 = { id: 'session0' } as unknown as ClientSession;
const resolveSession = (id: string) => {
  if (id !== 'session0') throw new SpecRunnerError(`no session entity named "${id}"`);
  return session0;
};

describe('OperationArguments', () => {
  it('resolves the session argument to its entity before the driver sees it', () => {
    const args = new OperationArguments(
      { filter: {}, session: 'session0', sort: { _id: 1 } },
      'collection0.find',
      resolveSession,
    );
    expect(args.required('filter')).toEqual({});
    expect(args.options()).toEqual({ session: session0, sort: { _id: 1 } });
  });

  it('fails for a session that does not exist, and for an unknown argument', () => {
    expect(() =>
      new OperationArguments({ session: 'nope' }, 'c.find', resolveSession).options(),
    ).toThrow(/no session entity named "nope"/);
    expect(() =>
      new OperationArguments({ sorting: 1 }, 'c.find', resolveSession).options(),
    ).toThrow(/c.find: unsupported argument "sorting"/);
  });

  it('hands the rest over as written, for operations that convert their own options', () => {
    const args = new OperationArguments(
      { callback: [], readConcern: { level: 'local' } },
      's.withTransaction',
      resolveSession,
    );
    args.required('callback');
    expect(args.rest()).toEqual({ readConcern: { level: 'local' } });
    expect(args.options()).toEqual({});
  });
});
