import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { ApiQueue } from '../../../src/dashboard/api-types';
import type { Docket } from '../../../src';
import { FAST_SERVER } from '../../helpers/docket';
import type { TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { openDashboardDocket, report } from './dashboard-fixture';

/**
 * The queues monitoring lists: a queue with nothing waiting stays listed, with zero counts,
 * while a server serves it or it is paused (it used to vanish once its last job finished).
 */
describe('queues with nothing waiting', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;

  const listed = async (name: string) =>
    (await docket.listQueues()).find((queue) => queue.name === name);
  const fromApi = async (name: string) => {
    const queues = (await (await fetch(`${dashboard.url}api/queues`)).json()) as ApiQueue[];
    return queues.find((queue) => queue.name === name);
  };

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('queue_listing'));
    dashboard = await startDashboard(docket);
  });

  afterAll(async () => {
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('stay listed while a server serves them, and go once none does', async () => {
    const server = await docket.startServer({ ...FAST_SERVER, queues: ['default', 'idle'] });
    try {
      const id = await docket.scheduler.enqueue(report(3, 'the only job'), { queue: 'idle' });
      await waitFor(async () => (await docket.getJob(id))?.state === 'succeeded', {
        what: 'the only job of the queue to succeed',
      });
      expect(await listed('idle')).toEqual({ name: 'idle', paused: false, counts: {} });
      expect(await fromApi('idle')).toEqual({ name: 'idle', paused: false, counts: {}, length: 0 });
    } finally {
      await server.stop();
    }
    // No server serves it, nothing waits in it, it was never paused: not a queue to show.
    expect(await listed('idle')).toBeUndefined();
  });

  it('stay listed while paused', async () => {
    await docket.pauseQueue('dormant', { allowUnknown: true });
    expect(await listed('dormant')).toEqual({ name: 'dormant', paused: true, counts: {} });
    expect(await fromApi('dormant')).toMatchObject({ paused: true, length: 0 });
    await docket.resumeQueue('dormant');
  });
});
