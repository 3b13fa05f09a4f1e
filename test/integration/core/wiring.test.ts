import { Writable } from 'node:stream';
import { IsString } from 'class-validator';
import { MongoClient } from 'mongodb';
import { container as rootContainer, inject, type DependencyContainer } from 'tsyringe';
import { createLogger, transports, type Logger } from 'winston';
import {
  COMMAND_BUS,
  CommandBus,
  ExecuteCommandJobHandler,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
} from '../../../src';
import { UnresolvableDependencyError } from '../../../src/errors';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { MatchedCommands } from '../../helpers/matched-commands';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

const MAILER = Symbol('Mailer');

@Job('wiring.mail')
class MailJob implements IJob {
  @IsString() to!: string;
}

@JobHandler(MailJob)
class MailHandler implements IJobHandler<MailJob> {
  constructor(@inject(MAILER) private readonly mailer: { send(to: string): Promise<void> }) {}
  async handle(job: MailJob): Promise<void> {
    await this.mailer.send(job.to);
  }
}

@Job('wiring.orphan')
class OrphanJob implements IJob {
  @IsString() note!: string;
}

@Job('wiring.noop')
class NoopJob implements IJob {}

@JobHandler(NoopJob)
class NoopHandler implements IJobHandler<NoopJob> {
  async handle(): Promise<void> {}
}

const mail = (to: string) => Object.assign(new MailJob(), { to });

/** A winston logger that keeps what it logs. */
function recordingLogger(): { logger: Logger; warnings: Array<Record<string, unknown>> } {
  const warnings: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    objectMode: true,
    write(info: Record<string, unknown>, _encoding, done) {
      if (info.level === 'warn') warnings.push(info);
      done();
    },
  });
  return { logger: createLogger({ transports: [new transports.Stream({ stream })] }), warnings };
}

describe('wiring mistakes fail fast', () => {
  let db: TestDatabase;
  const dockets: Docket[] = [];
  const clients: MongoClient[] = [];

  async function docketWith(
    options: Parameters<typeof createTestDocket>[1] = {},
  ): Promise<{ docket: Docket; container: DependencyContainer }> {
    const created = await createTestDocket(db, options);
    dockets.push(created.docket);
    return created;
  }

  beforeAll(async () => {
    db = await openTestDatabase('wiring');
  });

  afterEach(async () => {
    await Promise.all(dockets.splice(0).map((docket) => docket.close()));
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await db.client.db(db.dbName).dropDatabase();
  });

  afterAll(async () => {
    await db.cleanup();
  });

  describe('startServer checks handler dependencies', () => {
    it('rejects a handler whose token the container lacks, before claiming anything', async () => {
      const { docket } = await docketWith({ handlers: [MailHandler, NoopHandler] });
      const jobId = await docket.scheduler.enqueue(mail('a@example.com'));
      const error = await docket.startServer(FAST_SERVER).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnresolvableDependencyError);
      expect(error).toMatchObject({
        code: 'UNRESOLVABLE_DEPENDENCY',
        handler: 'MailHandler',
        token: 'Symbol(Mailer)',
        parameterIndex: 0,
        jobType: 'wiring.mail',
      });
      expect((error as Error).message).toMatch(/register Symbol\(Mailer\) in the container/);
      const job = await docket.getJob(jobId);
      expect(job).toMatchObject({ state: 'enqueued', attempt: 0 });
      expect(await docket.listServers()).toEqual([]);
    });

    it('starts once the token is registered, in the container or a parent of it', async () => {
      const parent = rootContainer.createChildContainer();
      const sent: string[] = [];
      parent.register(MAILER, { useValue: { send: async (to: string) => void sent.push(to) } });
      const { docket } = await docketWith({
        handlers: [MailHandler],
        container: parent.createChildContainer(),
      });
      const server = await docket.startServer(FAST_SERVER);
      await docket.scheduler.enqueue(mail('b@example.com'));
      await waitFor(() => sent.length === 1, { what: 'the mail job' });
      await server.stop();
    });
  });

  describe('the command job handler', () => {
    it('is left out of the default handlers without a command bus', async () => {
      const container = rootContainer.createChildContainer();
      container.register(MAILER, { useValue: { send: async () => undefined } });
      const { docket } = await docketWith({ container });
      expect(docket.jobTypes).not.toContain('docket.execute-command');
      const server = await docket.startServer(FAST_SERVER);
      await server.stop();
    });

    it('is among the default handlers once a command bus is registered, before or after create', async () => {
      const container = rootContainer.createChildContainer();
      container.register(MAILER, { useValue: { send: async () => undefined } });
      const { docket } = await docketWith({ container });
      expect(docket.jobTypes).not.toContain('docket.execute-command');
      CommandBus.register(container, { handlers: [] });
      expect(container.isRegistered(COMMAND_BUS)).toBe(true);
      expect(docket.jobTypes).toContain('docket.execute-command');
      const server = await docket.startServer(FAST_SERVER);
      const record = await db.client
        .db(db.dbName)
        .collection('docket.servers')
        .findOne({ _id: server.id as never });
      expect(record?.jobTypes).toContain('docket.execute-command');
      await server.stop();
    });

    it('listed explicitly without a command bus, fails the start naming COMMAND_BUS', async () => {
      const { docket } = await docketWith({ handlers: [ExecuteCommandJobHandler] });
      await expect(docket.startServer(FAST_SERVER)).rejects.toMatchObject({
        name: 'UnresolvableDependencyError',
        handler: 'ExecuteCommandJobHandler',
        token: 'Symbol(docket.ICommandBus)',
      });
    });
  });

  describe('due jobs that no live server handles', () => {
    it('are logged once per type by a server, listed by listUnhandledJobTypes', async () => {
      const { logger, warnings } = recordingLogger();
      // Monitored, to count the server's sweeps.
      const client = await new MongoClient(db.uri, { monitorCommands: true }).connect();
      clients.push(client);
      const { docket } = await docketWith({
        handlers: [NoopHandler],
        logger,
        mongo: { client, dbName: db.dbName },
      });
      const orphan = Object.assign(new OrphanJob(), { note: 'nobody runs me' });
      await docket.scheduler.enqueue(orphan);
      await docket.scheduler.enqueue(orphan);
      await docket.scheduler.schedule(orphan, { delayMs: 60_000 });
      await docket.scheduler.enqueue(new NoopJob());
      // No server at all: every due type is unhandled.
      expect(await docket.listUnhandledJobTypes()).toEqual([
        { jobType: 'wiring.noop', waiting: 1, oldestDueAt: expect.any(Date) },
        { jobType: 'wiring.orphan', waiting: 2, oldestDueAt: expect.any(Date) },
      ]);
      const server = await docket.startServer({ ...FAST_SERVER, recoveryIntervalMs: 20 });
      const unhandled = () => warnings.filter((w) => w.jobType === 'wiring.orphan');
      await waitFor(() => unhandled().length > 0, { what: 'the warning' });
      expect(unhandled()[0].message).toMatch(
        /2 due job\(s\) of type 'wiring.orphan' wait.*no live server handles that type/,
      );
      expect(await docket.listUnhandledJobTypes()).toEqual([
        { jobType: 'wiring.orphan', waiting: 2, oldestDueAt: expect.any(Date) },
      ]);
      // Several more sweeps: still one warning (the check itself reads at most once a minute).
      // Sweeps never overlap, so once a fourth sweep's lease recovery has begun, three whole
      // sweeps have run since this point.
      const sweeps = new MatchedCommands(
        client,
        (command) =>
          command.update === 'docket.jobs' && command.updates?.[0]?.q?.$expr !== undefined,
      );
      try {
        await waitFor(() => sweeps.started >= 4, { what: 'three more sweeps' });
      } finally {
        sweeps.close();
      }
      expect(unhandled()).toHaveLength(1);
      expect(warnings.some((w) => w.jobType === 'wiring.noop')).toBe(false);
      await server.stop();
    });
  });
});
