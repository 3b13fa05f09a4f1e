/**
 * The Agenda 6 side of the benchmark (`agenda` with `@agendajs/mongo-backend`): a child
 * process running Agenda on a MongoClient created with command monitoring, driven by the
 * parent over IPC (see worker-runtime.ts).
 */
import { MongoBackend, MongoChangeStreamNotificationChannel } from '@agendajs/mongo-backend';
import { Agenda, InMemoryNotificationChannel, type Job } from 'agenda';
import { MongoClientClosedError, ObjectId, type Document, type MongoClient } from 'mongodb';
import { runWorker, type AdapterFactory } from './worker-runtime';

const NOOP = 'bench.noop';
/** Set once the worker first closes an Agenda (see the unhandled rejection handler). */
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
  agenda.on('error', (error: unknown) => process.stderr.write(`agenda error: ${String(error)}\n`));
  agenda.define(NOOP, async (job: Job<NoopData>) => {
    hooks.onStart(job.attrs.data.seq, job.attrs.data.enqueuedAt);
  });
  for (const rid of args.recurringIds ?? []) {
    agenda.define(tickName(rid), async () => {
      // Agenda keeps no occurrence instant on the job: the parent derives it from the start.
      hooks.onTick(rid, null);
    });
  }
  agenda.on('complete', () => hooks.onCompleted());
  await agenda.ready;
  const jobs = db.collection(COLLECTION);
  let template: Document | undefined;
  return {
    start: () => agenda.start(),
    enqueueOne: async (seq, enqueuedAt) => {
      await agenda.now<NoopData>(NOOP, { seq, enqueuedAt });
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
      await agenda.stop();
    },
  };
};

/*
 * `agenda.stop()` does not wait for the writes of jobs it is still finishing: when a case
 * ends with Agenda behind (1,000 jobs/s), closing the client rejects them, unhandled. Those
 * rejections are ignored once closing; any other one ends the worker, as Node's default does.
 */
process.on('unhandledRejection', (reason) => {
  if (closing && reason instanceof MongoClientClosedError) return;
  process.stderr.write(
    `unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`,
  );
  process.exit(1);
});
runWorker(createAgendaAdapter);
