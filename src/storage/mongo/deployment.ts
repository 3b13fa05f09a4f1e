import type { Db, Timestamp } from 'mongodb';
import { guard } from './mongo-errors';

/** What Docket needs to know of the deployment it talks to. */
export interface Deployment {
  /** A replica set or a sharded cluster: change streams work (a standalone refuses them). */
  readonly changeStreams: boolean;
  /**
   * The operation time of the answer (replica sets and clusters), where a change stream may
   * start so that it misses nothing written after this call.
   */
  readonly operationTime?: Timestamp;
}

/** Asks the server what it is, in one `hello`. @throws StorageError - when MongoDB fails. */
export async function detectDeployment(db: Db): Promise<Deployment> {
  const hello = await guard('detect the deployment', () => db.admin().command({ hello: 1 }));
  const changeStreams = Boolean(hello.setName) || hello.msg === 'isdbgrid';
  const time = hello.operationTime as { _bsontype?: string } | undefined;
  return time?._bsontype === 'Timestamp'
    ? { changeStreams, operationTime: time as Timestamp }
    : { changeStreams };
}
