import { createLogger, transports } from 'winston';
import type { HandlerRegistry } from '../../../src/handlers';
import { UnhandledJobTypes } from '../../../src/server/unhandled-job-types';
import type { JobServerDeps } from '../../../src/server/job-server-deps';
import type { WaitingJobType } from '../../../src/storage/job-store';

const NOW = new Date('2025-01-01T00:00:00Z');
const due = (jobType: string, waiting: number): WaitingJobType => ({
  jobType,
  waiting,
  oldestDueAt: new Date(NOW.getTime() - 60_000),
});

/** A check on fakes that record every read, so the test counts what a sweep costs. */
function setUp(options: { live: string[] | null; waiting: WaitingJobType[]; now?: () => Date }) {
  const reads: string[] = [];
  const excluded: string[][] = [];
  const warnings: Array<{ message: string; jobType?: string }> = [];
  const logger = createLogger({ transports: [new transports.Console({ silent: true })] });
  logger.warn = ((message: string, meta?: { jobType?: string }) => {
    warnings.push({ message, jobType: meta?.jobType });
    return logger;
  }) as typeof logger.warn;
  const deps = {
    clock: { now: () => options.now?.() ?? NOW },
    registry: { jobTypes: () => ['own.type'] } as unknown as HandlerRegistry,
    servers: {
      handledJobTypes: async (now: Date, staleAfterMs: number) => {
        reads.push(`servers ${now.toISOString()} ${staleAfterMs}`);
        return options.live === null ? null : new Set(options.live);
      },
    } as unknown as JobServerDeps['servers'],
    waiting: {
      waitingJobTypes: async (excluding: readonly string[]) => {
        reads.push('jobs');
        excluded.push([...excluding]);
        return options.waiting;
      },
    },
  };
  const check = new UnhandledJobTypes(deps, logger, { heartbeatIntervalMs: 1_000 });
  return { check, reads, excluded, warnings };
}

describe('UnhandledJobTypes', () => {
  it('costs two reads a sweep: live servers within three heartbeats, then due jobs of other types', async () => {
    const { check, reads, excluded } = setUp({ live: ['other.type'], waiting: [] });
    await check.check();
    expect(reads).toEqual([`servers ${NOW.toISOString()} 3000`, 'jobs']);
    expect(excluded).toEqual([['other.type', 'own.type']]);
  });

  it('warns once per job type, however many sweeps find it', async () => {
    let now = NOW;
    const { check, warnings } = setUp({
      live: [],
      waiting: [due('orphan.a', 3), due('orphan.b', 1)],
      now: () => now,
    });
    await check.check();
    now = new Date(NOW.getTime() + 60_000);
    await check.check();
    expect(warnings.map((w) => w.jobType)).toEqual(['orphan.a', 'orphan.b']);
    expect(warnings[0].message).toBe(
      "3 due job(s) of type 'orphan.a' wait, the oldest since 2024-12-31T23:59:00.000Z, but no " +
        "live server handles that type: deploy a server whose handlers include a @JobHandler for 'orphan.a' (or delete the jobs)",
    );
  });

  it('skips the jobs read when a live server does not record its types', async () => {
    const { check, reads, warnings } = setUp({ live: null, waiting: [due('x', 1)] });
    await check.check();
    expect(reads).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('reads at most once a minute, however often the sweep calls it', async () => {
    let now = NOW;
    const { check, reads } = setUp({ live: ['other.type'], waiting: [], now: () => now });
    await check.check();
    now = new Date(NOW.getTime() + 59_999);
    await check.check();
    expect(reads).toHaveLength(2);
    now = new Date(NOW.getTime() + 60_000);
    await check.check();
    expect(reads).toHaveLength(4);
  });
});
