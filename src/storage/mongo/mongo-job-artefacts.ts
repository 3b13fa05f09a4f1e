import type { ClientSession, Collection, Db, Document } from 'mongodb';
import type { ArtefactFile, ArtefactInfo, ArtefactStorage } from '../artefacts';
import type { JobRecord } from '../job-record';
import type { JobLease } from '../job-store';
import { heldBy } from './lease-time';
import { guard } from './mongo-errors';

/** How many jobs one sweep step looks at, and how many steps one sweep takes at most. */
const SWEEP_STEP = 100;
const SWEEP_STEPS = 20;
/** A file its job does not list is removed only after this long (its put may still run). */
const UNLISTED_GRACE_MS = 3_600_000;

/** What became of an artefact's entry in its job's list. */
export type AttachResult =
  | { readonly attached: true; readonly replaced: ArtefactInfo | null }
  | { readonly attached: false; readonly why: 'stale' | 'full' };

/** The sum of the sizes of a job's artefacts not named `name` (an aggregation expression). */
function othersBytes(name: string): Document {
  return {
    $sum: {
      $map: { input: others(name), in: '$$this.size' },
    },
  };
}

function others(name: string): Document {
  return {
    $filter: { input: { $ifNull: ['$artefacts', []] }, cond: { $ne: ['$$this.name', name] } },
  };
}

/**
 * The job side of artefacts: each job lists its artefacts (`JobRecord.artefacts`), and that
 * list, written under the attempt's fence, is what counts. A storage's file that no job
 * lists (its put was refused, or its process died) is removed by the sweep.
 */
export class MongoJobArtefacts {
  private readonly jobs: Collection<JobRecord>;
  private sweptUpTo = '';

  constructor(
    db: Db,
    collectionPrefix: string,
    readonly storage: ArtefactStorage,
  ) {
    this.jobs = db.collection<JobRecord>(`${collectionPrefix}jobs`);
  }

  /** The bytes the held job's artefacts other than `name` take, or null when not held. */
  async usedBytes(lease: JobLease, name: string, session?: ClientSession): Promise<number | null> {
    const job = await guard(
      'read the job artefacts',
      () => this.jobs.findOne(heldBy(lease), { projection: { _id: 0, artefacts: 1 }, session }),
      lease.jobId,
    );
    if (!job) return null;
    return (job.artefacts ?? [])
      .filter((entry) => entry.name !== name)
      .reduce((sum, entry) => sum + entry.size, 0);
  }

  /**
   * Lists `entry` with its job, replacing an entry of the same name, on the condition that
   * the attempt still holds the job and its artefacts stay within `maxBytesPerJob`.
   */
  async attach(
    lease: JobLease,
    entry: ArtefactInfo,
    maxBytesPerJob: number,
    session?: ClientSession,
  ): Promise<AttachResult> {
    const before = await guard(
      'list the artefact with its job',
      () =>
        this.jobs.findOneAndUpdate(
          {
            ...heldBy(lease),
            $expr: { $lte: [{ $add: [othersBytes(entry.name), entry.size] }, maxBytesPerJob] },
          },
          [{ $set: { artefacts: { $concatArrays: [others(entry.name), [{ $literal: entry }]] } } }],
          { projection: { _id: 0, artefacts: 1 }, returnDocument: 'before', session },
        ),
      lease.jobId,
    );
    if (before) {
      const replaced = (before.artefacts ?? []).find((old) => old.name === entry.name) ?? null;
      return { attached: true, replaced };
    }
    const held = await guard(
      'read the job',
      () => this.jobs.findOne(heldBy(lease), { projection: { _id: 1 }, session }),
      lease.jobId,
    );
    return { attached: false, why: held ? 'full' : 'stale' };
  }

  /** A job's artefact by name, with the job's id; null when the job or the name is unknown. */
  async find(jobId: string, name: string): Promise<ArtefactInfo | null> {
    const job = await guard(
      'read the job artefacts',
      () => this.jobs.findOne({ _id: jobId }, { projection: { _id: 0, artefacts: 1 } }),
      jobId,
    );
    return job?.artefacts?.find((entry) => entry.name === name) ?? null;
  }

  /**
   * Removes the files of jobs that are gone (retention deleted them), files their job does not
   * list after an hour (a refused or replaced put), and writes left unfinished for an hour,
   * walking the storage's jobs a bounded step at a time; returns how many files went.
   */
  async sweep(now: Date): Promise<number> {
    const graceEnd = new Date(now.getTime() - UNLISTED_GRACE_MS);
    let removed = await this.storage.removeUnfinished(graceEnd);
    for (let step = 0; step < SWEEP_STEPS; step++) {
      const ids = await this.storage.jobIds(this.sweptUpTo, SWEEP_STEP);
      this.sweptUpTo = ids.length < SWEEP_STEP ? '' : ids[ids.length - 1]!;
      if (ids.length > 0) removed += await this.sweepJobs(ids, graceEnd);
      if (this.sweptUpTo === '') break;
    }
    return removed;
  }

  private async sweepJobs(ids: string[], graceEnd: Date): Promise<number> {
    const jobs = await guard('sweep artefacts', () =>
      this.jobs
        .find({ _id: { $in: ids } }, { projection: { _id: 1, 'artefacts.id': 1 } })
        .toArray(),
    );
    const listed = new Map(
      jobs.map((job) => [job._id, new Set((job.artefacts ?? []).map((entry) => entry.id))]),
    );
    const files = await this.storage.filesOf(ids);
    const unwanted: ArtefactFile[] = files.filter((file) => {
      const ofJob = listed.get(file.jobId);
      return ofJob === undefined || (!ofJob.has(file.id) && file.storedAt < graceEnd);
    });
    await this.storage.remove(unwanted);
    return unwanted.length;
  }
}
