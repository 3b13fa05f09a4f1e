/**
 * Back-pressure: a client that does not read its replies, or that piles requests behind a
 * waiting `hello`, is held back by TCP (the stand-in stops reading its socket) instead of
 * growing the stand-in's memory without limit; nothing is lost once it catches up.
 */
import { dataCommands } from '../../src/commands/data-commands';
import { StandInStore } from '../../src/engine/stand-in-store';
import { resolveStandInOptions } from '../../src/stand-in-options';
import { StandInWireServer } from '../../src/stand-in-server';
import { RawWireClient, opMsg } from './raw-wire-client';
import { waitFor } from './wait-for';

/** Flags of an OP_MSG that allows the reply to be streamed (exhaust). */
const EXHAUST_ALLOWED = 1 << 16;
const MiB = 1024 * 1024;

describe('back-pressure', () => {
  let server: StandInWireServer;
  let client: RawWireClient | undefined;

  beforeEach(async () => {
    server = new StandInWireServer(resolveStandInOptions(), {
      store: new StandInStore(),
      dataCommands,
    });
    await server.start();
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.stop();
  });

  it('stops reading from a client that does not read its replies, and answers everything once it does', async () => {
    client = await RawWireClient.connect(server.port);
    const big = 'x'.repeat(MiB);
    await client.command({ insert: 'c', documents: [{ _id: 1, big }], $db: 'bp' });
    client.socket.pause();
    // 300 finds would be 300 MiB of replies waiting in the stand-in's socket buffers.
    const replies = Array.from({ length: 300 }, () =>
      client!.command({ find: 'c', filter: {}, $db: 'bp' }),
    );
    await waitFor('the stand-in to stop reading', () => server.pausedConnectionCount === 1);
    expect(server.backlogBytes).toBeLessThan(64 * MiB);
    client.socket.resume();
    const answered = await Promise.all(replies);
    expect(answered.every((reply) => reply.ok === 1)).toBe(true);
    expect(answered[299].cursor.firstBatch[0].big).toHaveLength(MiB);
    await waitFor('the backlog to drain', () => server.backlogBytes === 0);
    expect(server.pausedConnectionCount).toBe(0);
  });

  it('bounds the requests queued behind an exhaust hello', async () => {
    client = await RawWireClient.connect(server.port);
    const hello = await client.command({ hello: 1, $db: 'admin' });
    // An awaitable hello holds the connection for maxAwaitTimeMS, then streams replies.
    client.socket.write(
      opMsg(
        1_000_000,
        {
          hello: 1,
          topologyVersion: hello.topologyVersion,
          maxAwaitTimeMS: 60_000,
          $db: 'admin',
        },
        EXHAUST_ALLOWED,
      ),
    );
    const padding = 'p'.repeat(MiB);
    for (let i = 0; i < 100; i += 1) {
      client.socket.write(opMsg(2_000_000 + i, { ping: 1, padding, $db: 'admin' }));
    }
    await waitFor('the stand-in to stop reading', () => server.pausedConnectionCount === 1);
    // 100 MiB were sent; the stand-in holds at most its queue limit and one read's worth.
    expect(server.backlogBytes).toBeLessThan(32 * MiB);
  });
});
