import { MongoServerError, type MongoClient } from 'mongodb';
import { FailPoints } from '../../spec-runner/fail-points';
import { UnsupportedFeatureError } from '../../spec-runner/unsupported-feature.error';

/** A client whose admin database answers every command with `answer`. */
function fakeClient(answer: (command: Record<string, unknown>) => Promise<unknown>) {
  const commands: Record<string, unknown>[] = [];
  const client = {
    db: () => ({
      command: (command: Record<string, unknown>) => {
        commands.push(command);
        return answer(command);
      },
    }),
  } as unknown as MongoClient;
  return { client, commands };
}

const failPoint = {
  configureFailPoint: 'failCommand',
  mode: { times: 1 },
  data: { failCommands: ['count'] },
};

describe('FailPoints', () => {
  it('makes the test a skip when the server answers CommandNotFound', async () => {
    const notFound = new MongoServerError({
      ok: 0,
      code: 59,
      codeName: 'CommandNotFound',
      errmsg: 'no such command',
    });
    const { client } = fakeClient(() => Promise.reject(notFound));
    await expect(new FailPoints().configure(client, failPoint)).rejects.toThrow(
      UnsupportedFeatureError,
    );
  });

  it('passes other errors on', async () => {
    const { client } = fakeClient(() =>
      Promise.reject(new MongoServerError({ ok: 0, code: 2, errmsg: 'bad' })),
    );
    await expect(new FailPoints().configure(client, failPoint)).rejects.toThrow(MongoServerError);
  });

  it('turns the fail points it configured off, once', async () => {
    const { client, commands } = fakeClient(() => Promise.resolve({ ok: 1 }));
    const failPoints = new FailPoints();
    await failPoints.configure(client, failPoint);
    await failPoints.disableAll();
    await failPoints.disableAll();
    expect(commands).toEqual([failPoint, { configureFailPoint: 'failCommand', mode: 'off' }]);
  });
});
