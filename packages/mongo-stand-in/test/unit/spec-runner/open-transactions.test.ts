import { MongoServerError, type MongoClient } from 'mongodb';
import { startsTransactions, terminateOpenTransactions } from '../../spec-runner/open-transactions';

function clientAnswering(answer: () => Promise<unknown>) {
  const commands: unknown[] = [];
  const client = {
    db: () => ({
      command: (command: unknown) => {
        commands.push(command);
        return answer();
      },
    }),
  } as unknown as MongoClient;
  return { client, commands };
}

const serverError = (code: number) => new MongoServerError({ ok: 0, code, errmsg: 'no' });

describe('terminateOpenTransactions', () => {
  it('kills every session on the server', async () => {
    const { client, commands } = clientAnswering(async () => ({ ok: 1 }));
    await terminateOpenTransactions(client);
    expect(commands).toEqual([{ killAllSessions: [] }]);
  });

  it('ignores Interrupted, Unauthorized and CommandNotFound, and nothing else', async () => {
    for (const code of [11601, 13, 59]) {
      const { client } = clientAnswering(() => Promise.reject(serverError(code)));
      await expect(terminateOpenTransactions(client)).resolves.toBeUndefined();
    }
    const { client } = clientAnswering(() => Promise.reject(serverError(8000)));
    await expect(terminateOpenTransactions(client)).rejects.toThrow(MongoServerError);
  });
});

describe('startsTransactions', () => {
  it('is true for tests with startTransaction or withTransaction', () => {
    const op = (name: string) => ({ name, object: 'session0' });
    expect(startsTransactions({ operations: [op('endSession'), op('startTransaction')] })).toBe(
      true,
    );
    expect(startsTransactions({ operations: [op('withTransaction')] })).toBe(true);
    expect(startsTransactions({ operations: [op('endSession')] })).toBe(false);
  });
});
