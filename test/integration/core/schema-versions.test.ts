import { IsInt } from 'class-validator';
import { MongoClient, type Db } from 'mongodb';
import {
  Job,
  JobHandler,
  SchemaVersionError,
  StorageError,
  SCHEMA_VERSION,
  type Docket,
  type IJob,
  type IJobHandler,
} from '../../../src';
import { ensureDashboardIndexes } from '../../../src/dashboard';
import { MongoSchemaRecord } from '../../../src/schema/mongo-schema-record';
import { openSchema, type SchemaOpening } from '../../../src/schema/open-schema';
import { SCHEMA_DEFAULTS } from '../../../src/schema/schema-options';
import type { SchemaStep } from '../../../src/schema/schema-step';
import { SCHEMA_STEPS } from '../../../src/schema/schema-steps';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { FailPoint } from '../../helpers/fail-point';
import { quietLogger } from '../../helpers/logger';
import { openOwnStandIn, type TestDatabase } from '../../helpers/mongo';
import { snapshotStorage } from '../../faults/support/storage-snapshot';
import {
  OLD_JOB_ID,
  OLD_JOB_TYPE,
  OLD_RECURRING_ID,
  SHAPE_FIELDS_AT_1_1,
  writeSchema1Database,
} from '../fixtures/schema-1-database';

/*
 * Schema versions: a database written before versions were recorded is migrated, a newer one
 * refused, and a migration survives a MongoDB error and concurrent starts. A stand-in of
 * this file's own: its fail points are server-wide.
 */

@Job(OLD_JOB_TYPE)
class OldWork implements IJob {
  @IsInt() n!: number;
}

const ran: number[] = [];

@JobHandler(OldWork)
class OldWorkHandler implements IJobHandler<OldWork> {
  handle(job: OldWork): Promise<void> {
    ran.push(job.n);
    return Promise.resolve();
  }
}

const CODE = `${SCHEMA_VERSION.major}.${SCHEMA_VERSION.minor}`;

describe('schema versions', () => {
  let db: TestDatabase;
  let failPoint: FailPoint;
  let n = 0;
  let database: Db;
  const dockets: Docket[] = [];

  /** A Docket on this test's database. */
  async function open(options: Parameters<typeof createTestDocket>[1] = {}): Promise<Docket> {
    const { docket } = await createTestDocket(db, {
      mongo: { client: db.client, dbName: database.databaseName },
      handlers: [OldWorkHandler],
      ...options,
    });
    dockets.push(docket);
    return docket;
  }

  const schemaDocument = () =>
    database.collection('docket.schema').findOne({ _id: 'schema' as never });
  const oldDefinition = () =>
    database.collection('docket.recurring').findOne({ _id: OLD_RECURRING_ID as never });

  /** Writes the version record as a process at `major.minor` (and holding `lock`) left it. */
  const writeSchemaRecord = (record: { major: number; minor: number; lock?: object }) =>
    database
      .collection('docket.schema')
      .insertOne({ _id: 'schema' as never, ...record, updatedAt: new Date(), applied: [] });

  beforeAll(async () => {
    db = await openOwnStandIn('schema_versions', 'replica-set');
  });

  beforeEach(() => {
    // A database per test, so that each starts from what it writes itself.
    database = db.client.db(`schema_versions_${++n}`);
    failPoint = new FailPoint({ ...db, dbName: database.databaseName });
    ran.length = 0;
  });

  afterEach(async () => {
    await Promise.all(dockets.splice(0).map((docket) => docket.close()));
    await failPoint.off();
    await database.dropDatabase();
  });

  afterAll(async () => {
    await db.cleanup();
  });

  it('stamps a new database with the code version; an up-to-date one costs one read', async () => {
    const monitored = await new MongoClient(db.uri, { monitorCommands: true }).connect();
    const commands: string[] = [];
    monitored.on('commandStarted', (event) => {
      const target: unknown = event.command[event.commandName];
      if (event.commandName === 'listCollections' || target === 'docket.schema') {
        commands.push(event.commandName);
      }
    });
    try {
      await open({ mongo: { client: monitored, dbName: database.databaseName } });
      expect(await schemaDocument()).toMatchObject({
        major: SCHEMA_VERSION.major,
        minor: SCHEMA_VERSION.minor,
        applied: [],
      });
      // New: the record's read, the look for Docket's collections, the stamp.
      expect(commands).toEqual(['find', 'listCollections', 'insert']);
      commands.length = 0;
      await open({ mongo: { client: monitored, dbName: database.databaseName } });
      expect(commands).toEqual(['find']);
    } finally {
      await Promise.all(dockets.splice(0).map((docket) => docket.close()));
      await monitored.close();
    }
  });

  it('migrates a database the previous schema wrote, and the jobs it wrote still run', async () => {
    await writeSchema1Database(database);
    expect(await oldDefinition()).not.toHaveProperty('overlap');

    const docket = await open();

    const record = await schemaDocument();
    expect(record).toMatchObject({ major: SCHEMA_VERSION.major, minor: SCHEMA_VERSION.minor });
    expect(record?.applied).toEqual([
      expect.objectContaining({ version: '1.1', description: SCHEMA_STEPS[0].description }),
    ]);
    expect(record).not.toHaveProperty('lock');
    expect(await oldDefinition()).toMatchObject(SHAPE_FIELDS_AT_1_1);
    const [info] = await docket.scheduler.listRecurring();
    expect(info).toMatchObject({ id: OLD_RECURRING_ID, overlap: 'allow', repeatLimit: null });

    await docket.startServer(FAST_SERVER);
    const finished = await docket.scheduler.waitForJob(OLD_JOB_ID, { timeoutMs: 10_000 });
    expect(finished.state).toBe('succeeded');
    expect(ran).toEqual([7]);
  });

  it('a migration stopped by a MongoDB error is completed by the next start', async () => {
    await writeSchema1Database(database);
    // The step's first two updates (everyMs, anchor) pass; the third fails.
    await failPoint.failCommand(
      'docket.recurring',
      { skip: 2 },
      {
        failCommands: ['update'],
        errorCode: 112, // WriteConflict
      },
    );

    const failed = await open().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(StorageError);
    expect((failed as Error).message).toMatch(/migrate the Docket schema from 1\.0 to 1\.1/);
    // Half done: the record still says 1.0, the lock was released.
    expect(await schemaDocument()).toMatchObject({ major: 1, minor: 0, applied: [] });
    expect(await schemaDocument()).not.toHaveProperty('lock');
    const half = await oldDefinition();
    expect(half).toMatchObject({ everyMs: null, anchor: null });
    expect(half).not.toHaveProperty('startAt');

    await failPoint.off();
    await open();
    expect(await schemaDocument()).toMatchObject({ major: 1, minor: 1 });
    expect((await schemaDocument())?.applied).toHaveLength(1);
    expect(await oldDefinition()).toMatchObject(SHAPE_FIELDS_AT_1_1);
  });

  it('a migration whose process died holding the lock is resumed once the lock lapsed', async () => {
    await writeSchema1Database(database);
    await writeSchemaRecord({
      major: 1,
      minor: 0,
      lock: { owner: 'dead-process', toMajor: 1, to: '1.1', expiresAt: new Date(Date.now() - 1) },
    });

    await open();

    const record = await schemaDocument();
    expect(record).toMatchObject({ major: 1, minor: 1 });
    expect(record?.applied).toEqual([expect.objectContaining({ version: '1.1' })]);
    expect(await oldDefinition()).toMatchObject(SHAPE_FIELDS_AT_1_1);
  });

  it('two processes starting together on an old database migrate it once', async () => {
    await writeSchema1Database(database);
    // Two clients, as two processes have: the step's writes of both are counted.
    const clients = await Promise.all(
      [0, 1].map(() => new MongoClient(db.uri, { monitorCommands: true }).connect()),
    );
    let stepWrites = 0;
    for (const client of clients) {
      client.on('commandStarted', (event) => {
        if (event.commandName === 'update' && event.command.update === 'docket.recurring') {
          const [statement] = event.command.updates as Array<{ q: Record<string, unknown> }>;
          if (Object.values(statement.q).some((value) => isExistsFalse(value))) stepWrites++;
        }
      });
    }
    try {
      await Promise.all(
        clients.map((client) => open({ mongo: { client, dbName: database.databaseName } })),
      );
    } finally {
      await Promise.all(dockets.splice(0).map((docket) => docket.close()));
      await Promise.all(clients.map((client) => client.close()));
    }
    const record = await schemaDocument();
    expect(record).toMatchObject({ major: 1, minor: 1 });
    expect(record?.applied).toHaveLength(1);
    // One run of the step: one update per field it fills in.
    expect(stepWrites).toBe(Object.keys(SHAPE_FIELDS_AT_1_1).length);
    expect(await oldDefinition()).toMatchObject(SHAPE_FIELDS_AT_1_1);
  });

  it('refuses a database of a newer major version, naming both, and writes nothing', async () => {
    await writeSchema1Database(database);
    await writeSchemaRecord({ major: 2, minor: 0 });
    const before = await snapshotWithIndexes(database);

    const refused = await open().catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(SchemaVersionError);
    expect(refused).toMatchObject({
      code: 'SCHEMA_VERSION',
      refusal: 'newer',
      databaseVersion: '2.0',
      codeVersion: CODE,
    });
    expect((refused as Error).message).toContain(`version 2.0, newer than this code's ${CODE}`);
    expect(await snapshotWithIndexes(database)).toEqual(before);
  });

  it('ensureDashboardIndexes refuses a database of a newer major version too', async () => {
    await writeSchema1Database(database);
    await writeSchemaRecord({ major: SCHEMA_VERSION.major + 1, minor: 0 });
    const before = await snapshotWithIndexes(database);
    await expect(ensureDashboardIndexes(database, 'docket.')).rejects.toMatchObject({
      name: 'SchemaVersionError',
      refusal: 'newer',
    });
    expect(await snapshotWithIndexes(database)).toEqual(before);
    // At the code's version, it creates them.
    await database
      .collection('docket.schema')
      .updateOne({ _id: 'schema' as never }, { $set: { major: SCHEMA_VERSION.major } });
    await ensureDashboardIndexes(database, 'docket.');
    expect(await database.collection('docket.jobs').indexExists('dashboard-due')).toBe(true);
  });

  it('refuses a database that a newer major is migrating', async () => {
    await writeSchema1Database(database);
    await writeSchemaRecord({
      major: 1,
      minor: 1,
      lock: { owner: 'newer', toMajor: 2, to: '2.0', expiresAt: new Date(Date.now() + 60_000) },
    });
    await expect(open()).rejects.toMatchObject({
      name: 'SchemaVersionError',
      refusal: 'newer',
      databaseVersion: '2.0',
    });
  });

  it('opens a database of a newer minor version of its major', async () => {
    await writeSchemaRecord({ major: SCHEMA_VERSION.major, minor: SCHEMA_VERSION.minor + 1 });
    await open();
    expect(await schemaDocument()).toMatchObject({ minor: SCHEMA_VERSION.minor + 1 });
  });

  it("onOlder 'throw' refuses an old database, listing the migration, and writes nothing", async () => {
    await writeSchema1Database(database);
    const before = await snapshotWithIndexes(database);

    const refused = await open({ schema: { onOlder: 'throw' } }).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(SchemaVersionError);
    expect(refused).toMatchObject({
      refusal: 'older',
      databaseVersion: '1.0',
      codeVersion: CODE,
      pendingSteps: [`1.1: ${SCHEMA_STEPS[0].description}`],
    });
    expect(await snapshotWithIndexes(database)).toEqual(before);
  });

  describe('the lock, with steps of the test', () => {
    /** A step that runs until `release()` is called, counting its runs. */
    function gatedStep(to: { major: number; minor: number }) {
      let release!: () => void;
      let entered!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const enteredOnce = new Promise<void>((resolve) => (entered = resolve));
      const step: SchemaStep & { runs: number } = {
        to,
        description: 'waits for the test',
        runs: 0,
        async run() {
          step.runs++;
          entered();
          await gate;
        },
      };
      return { step, release, entered: enteredOnce };
    }

    function opening(steps: SchemaStep[], code: { major: number; minor: number }, owner: string) {
      return {
        db: database,
        collectionPrefix: 'docket.',
        options: { ...SCHEMA_DEFAULTS, lockMs: 1_000 },
        logger: quietLogger(),
        owner,
        code,
        steps,
      } satisfies SchemaOpening;
    }

    beforeEach(async () => {
      await writeSchema1Database(database);
    });

    it('a minor migration under way lets another process start at once; it runs once', async () => {
      const { step, release, entered } = gatedStep({ major: 1, minor: 1 });
      const first = openSchema(opening([step], { major: 1, minor: 1 }, 'first'));
      await entered;

      const second = await openSchema(opening([step], { major: 1, minor: 1 }, 'second'));

      expect(second).toEqual({ version: { major: 1, minor: 0 }, ran: [] });
      release();
      expect((await first).ran).toEqual([step]);
      expect(step.runs).toBe(1);
      expect(await schemaDocument()).toMatchObject({
        major: 1,
        minor: 1,
        applied: [{ by: 'first' }],
      });
    });

    it('steps that stop short of the code version are an error, not a loop', async () => {
      const short = opening([], { major: 1, minor: 1 }, 'first');
      await expect(openSchema(short)).rejects.toThrow(
        'no migration steps lead from schema 1.0 to 1.1',
      );
      expect(await schemaDocument()).toBeNull();
    });

    it('a major migration under way is waited for; it runs once', async () => {
      const { step, release, entered } = gatedStep({ major: 2, minor: 0 });
      const first = openSchema(opening([step], { major: 2, minor: 0 }, 'first'));
      await entered;
      let released = false;

      const second = openSchema(opening([step], { major: 2, minor: 0 }, 'second')).then(
        (opened) => {
          // Only after the first process completed its step.
          expect(released).toBe(true);
          return opened;
        },
      );
      // The second process reads the lock before the step ends.
      const record = new MongoSchemaRecord(database, 'docket.');
      await expect(record.read()).resolves.toMatchObject({ lock: { owner: 'first' } });
      released = true;
      release();

      expect(await second).toEqual({ version: { major: 2, minor: 0 }, ran: [] });
      expect((await first).ran).toEqual([step]);
      expect(step.runs).toBe(1);
    });
  });
});

function isExistsFalse(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $exists?: unknown }).$exists === false
  );
}

/** Every collection's documents and indexes. */
async function snapshotWithIndexes(database: Db) {
  const documents = await snapshotStorage(database);
  const indexes: Record<string, unknown> = {};
  for (const name of documents.keys()) {
    indexes[name] = await database.collection(name).listIndexes().toArray();
  }
  return { documents: [...documents], indexes };
}
