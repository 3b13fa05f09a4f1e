import type { ChangeStream } from 'mongodb';
import { CHANGE_STREAM_OPERATIONS } from '../../spec-runner/change-stream-operations';
import { OperationArguments } from '../../spec-runner/operation-arguments';

const noArguments = (name: string) =>
  new OperationArguments(undefined, `changeStream0.${name}`, () => {
    throw new Error('unused');
  });

describe('change stream operations', () => {
  it('iterateUntilDocumentOrError waits for the next change, a root-level document', async () => {
    const stream = { next: async () => ({ operationType: 'insert' }) } as unknown as ChangeStream;
    expect(
      await CHANGE_STREAM_OPERATIONS.iterateUntilDocumentOrError(
        stream,
        noArguments('iterateUntilDocumentOrError'),
      ),
    ).toEqual({ value: { operationType: 'insert' }, root: 'document' });
  });

  it('iterateOnce iterates once, without waiting for a change', async () => {
    const stream = { tryNext: async () => null } as unknown as ChangeStream;
    expect(await CHANGE_STREAM_OPERATIONS.iterateOnce(stream, noArguments('iterateOnce'))).toEqual({
      value: null,
      root: 'document',
    });
  });

  it("close suppresses the killCursors' errors", async () => {
    const stream = { close: () => Promise.reject(new Error('gone')) } as unknown as ChangeStream;
    await expect(
      CHANGE_STREAM_OPERATIONS.close(stream, noArguments('close')),
    ).resolves.toBeDefined();
  });
});
