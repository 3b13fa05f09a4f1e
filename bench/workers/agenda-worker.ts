/**
 * The Agenda 6 side of the benchmark (`agenda` with `@agendajs/mongo-backend`): a child
 * process running Agenda on a MongoClient created with command monitoring, driven by the
 * parent over IPC (see worker-runtime.ts).
 */
import { MongoBackend, MongoChangeStreamNotificationChannel } from '@agendajs/mongo-backend';
import { Agenda, InMemoryNotificationChannel, type Job } from 'agenda';
import { MongoError, ObjectId, type Document, type MongoClient } from 'mongodb';
import { runWorker, type AdapterFactory } from './worker-runtime';

const NOOP = 'bench.noop';
/** Set once the worker first closes an Agenda (see `closedClientError`). */
let closing = false;
const COLLECTION = 'agendaJobs';
const EVERY_SECOND = '* * * * * *';

interface NoopData {
  seq: number;
  enqueuedAt: number;
}

/** Agenda's job name of a recurring id: `every()` keeps one job per name. */
function tickName(rid: string): string {
  return `bench.tick.${rid}`;
}

const createAgendaAdapter: AdapterFactory = async (client: MongoClient, args, hooks) => {
  const settings = args.agenda;
  if (!settings) throw new Error('agenda settings missing');
  // Jobs this Agenda still finishes after its stop must not count in the worker's next case.
  let stopped = false;
  const db = client.db(args.dbName);
  const agenda = new Agenda({
    // ensureIndex (the default) creates Agenda's findAndLockNextJobIndex on connect.
    backend: new MongoBackend({ mongo: db, collection: COLLECTION, ensureIndex: true }),
    processEvery: settings.processEvery,
    maxConcurrency: settings.maxConcurrency,
    defaultConcurrency: settings.defaultConcurrency,
    lockLimit: settings.lockLimit,
    defaultLockLimit: settings.defaultLockLimit,
    ...(settings.notify === 'in-memory'
      ? { notificationChannel: new InMemoryNotificationChannel() }
      : settings.notify === 'change-stream'
        ? {
            notificationChannel: new MongoChangeStreamNotificationChannel({
              db,
              collection: COLLECTION,
            }),
          }
        : {}),
  });
  agenda.on('error', (error: unknown) => {
    if (!closedClientError(error)) process.stderr.write(`agenda error: ${String(error)}\n`);
  });
  agenda.define(NOOP, async (job: Job<NoopData>) => {
    if (!stopped) hooks.onStart(job.attrs.data.seq, job.attrs.data.enqueuedAt);
  });
  for (const rid of args.recurringIds ?? []) {
    agenda.define(tickName(rid), async () => {
      // Agenda keeps no occurrence instant on the job: the parent derives it from the start.
      if (!stopped) hooks.onTick(rid, null);
    });
  }
  agenda.on('complete', () => {
    if (!stopped) hooks.onCompleted();
  });
  await agenda.ready;
  const jobs = db.collection(COLLECTION);
  let template: Document | undefined;
  return {
    start: () => agenda.start(),
    enqueueOne: async (seq, enqueuedAt) => {
      await agenda.now<NoopData>(NOOP, { seq, enqueuedAt });
    },
    scheduleOne: async (seq, enqueuedAt, delayMs) => {
      await agenda.schedule<NoopData>(new Date(enqueuedAt + delayMs), NOOP, { seq, enqueuedAt });
    },
    enqueueBatch: async () => {
      throw new Error('Agenda 6 has no bulk enqueue');
    },
    preload: async (seqs, dueAt) => {
      // Agenda has no bulk insert: clone what `schedule()` stores (read back once) with
      // fresh ids, data and due times, and insert the clones in one insertMany.
      if (!template) {
        const job = await agenda.schedule<NoopData>(new Date(Date.now() + 3_600_000), NOOP, {
          seq: -1,
          enqueuedAt: 0,
        });
        const id = new ObjectId(String(job.attrs._id));
        template = (await jobs.findOne({ _id: id })) ?? undefined;
        await jobs.deleteOne({ _id: id });
        if (!template) throw new Error('the scheduled template job was not stored');
      }
      const base = template;
      const now = Date.now();
      await jobs.insertMany(
        seqs.map((seq) => ({
          ...base,
          _id: new ObjectId(),
          data: { seq, enqueuedAt: now },
          nextRunAt: dueAt,
        })),
        { ordered: false },
      );
    },
    addRecurring: async (ids) => {
      for (const rid of ids) {
        await agenda.every(EVERY_SECOND, tickName(rid), { rid });
      }
    },
    close: async () => {
      closing = true;
      stopped = true;
      await agenda.stop();
    },
  };
};

/*
 * `agenda.stop()` does not wait for the writes of jobs it is still finishing: when a case
 * ends with Agenda behind (1,000 jobs/s), closing the client rejects them, unhandled, with
 * whichever error the driver met first: a closed client, topology, server or connection pool,
 * or (on a replica set, whose writes carry an implicit session) an ended session. Those are
 * ignored once closing (by name: the pool's error class is not exported); any other
 * rejection ends the worker, as Node's default does.
 */
const CLOSED_CLIENT_ERRORS = new Set([
  'MongoClientClosedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoPoolClosedError',
  'MongoNotConnectedError',
  'MongoExpiredSessionError',
]);
function closedClientError(error: unknown): boolean {
  return closing && error instanceof MongoError && CLOSED_CLIENT_ERRORS.has(error.name);
}
process.on('unhandledRejection', (reason) => {
  if (closedClientError(reason)) return;
  process.stderr.write(
    `unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`,
  );
  process.exit(1);
});
runWorker(createAgendaAdapter);
