import { Timestamp, type Collection, type Db } from 'mongodb';
import { InvalidOptionsError } from '../../errors';
import type { JobRecord } from '../job-record';
import type {
  JobEventFilter,
  JobEventPosition,
  JobEventReader,
  JobEventSource,
} from '../job-stream-event';
import { ChangeStreamEventReader } from './job-change-events';
import { HistoryEventReader } from './job-history-events';
import { detectDeployment } from './deployment';

/**
 * {@link JobEventSource} on `<prefix>jobs`: the collection's change stream on a replica set or
 * sharded cluster, the jobs' histories read every interval on a standalone.
 */
export class MongoJobEvents implements JobEventSource {
  constructor(
    private readonly db: Db,
    private readonly jobs: Collection<JobRecord>,
    /** Docket's clock: where a standalone's stream starts without `after`. */
    private readonly now: () => Date,
  ) {}

  async open(
    filter: JobEventFilter,
    after: JobEventPosition | null,
    pollIntervalMs: number,
  ): Promise<JobEventReader> {
    const { changeStreams, operationTime } = await detectDeployment(this.db);
    if (after !== null && (after.kind !== 'history') !== changeStreams) {
      throw new InvalidOptionsError(
        `after is a position of a ${after.kind === 'history' ? 'standalone server' : 'replica set'}'s job event stream; this deployment is a ${changeStreams ? 'replica set' : 'standalone server'}`,
        { option: 'after' },
      );
    }
    if (changeStreams) {
      if (after?.kind === 'change-stream') {
        return ChangeStreamEventReader.open(this.jobs, filter, { token: after.token });
      }
      const time =
        after?.kind === 'change-stream-time'
          ? new Timestamp({ t: after.seconds, i: after.increment })
          : operationTime;
      return ChangeStreamEventReader.open(this.jobs, filter, { operationTime: time });
    }
    const opened =
      after?.kind === 'history'
        ? after
        : { kind: 'history' as const, atMs: this.now().getTime(), jobId: '', index: 0 };
    return new HistoryEventReader(this.jobs, filter, opened, pollIntervalMs);
  }
}
