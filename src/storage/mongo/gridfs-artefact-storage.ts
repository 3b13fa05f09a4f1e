import { GridFSBucket, ObjectId, type Binary, type Collection, type Db } from 'mongodb';
import { Readable } from 'node:stream';
import { StorageError } from '../../errors';
import { pipeline } from 'node:stream/promises';
import type { ArtefactFile, ArtefactStorage } from '../artefacts';
import { guard } from './mongo-errors';

/** What GridFS keeps of a file (the fields read here). */
interface GridFsFile {
  _id: ObjectId;
  length: number;
  chunkSize: number;
  uploadDate: Date;
  metadata: { jobId: string; contentType: string };
}

/** A write under way: GridFS writes a file's document only at its end. */
interface Upload {
  _id: ObjectId;
  startedAt: Date;
}

/**
 * Artefacts in a GridFS bucket of the jobs' database (the driver's `GridFSBucket`), by
 * default `<prefix>artefacts`: each file's id is the artefact's, its metadata names its job.
 * A write is recorded in `<bucket>.uploads` while it runs, so that the chunks of one whose
 * process died are found and removed.
 */
export class GridFsArtefactStorage implements ArtefactStorage {
  private readonly bucket: GridFSBucket;
  private readonly files: Collection<GridFsFile>;
  private readonly chunks: Collection<{ files_id: ObjectId; n: number; data: Binary }>;
  private readonly uploads: Collection<Upload>;
  private indexed: Promise<unknown> | undefined;

  constructor(db: Db, bucketName: string) {
    this.bucket = new GridFSBucket(db, { bucketName });
    this.files = db.collection(`${bucketName}.files`);
    this.chunks = db.collection(`${bucketName}.chunks`);
    this.uploads = db.collection(`${bucketName}.uploads`);
  }

  async write(file: ArtefactFile, data: Readable, contentType: string): Promise<void> {
    await this.ensureIndexes();
    const _id = new ObjectId(file.id);
    await guard('record an artefact upload', () =>
      this.uploads.insertOne({ _id, startedAt: new Date() }),
    );
    const upload = this.bucket.openUploadStreamWithId(_id, `${file.jobId}/${file.id}`, {
      metadata: { jobId: file.jobId, contentType },
    });
    try {
      await pipeline(data, upload);
    } catch (error) {
      await this.removeIds([_id]).catch(() => undefined);
      throw error;
    } finally {
      await this.uploads.deleteOne({ _id }).catch(() => undefined);
    }
  }

  /**
   * Reads the chunks a few at a time (the driver's download stream takes them in batches of
   * up to 16 MB, which would hold that much in memory).
   */
  read(file: ArtefactFile): Readable {
    const { files, chunks } = this;
    const _id = new ObjectId(file.id);
    async function* bytes(): AsyncGenerator<Buffer> {
      const doc = await files.findOne({ _id }, { projection: { length: 1, chunkSize: 1 } });
      if (!doc) throw new StorageError(`Could not read artefact ${file.id}: it is not stored`);
      const expected = Math.ceil(doc.length / doc.chunkSize);
      const cursor = chunks.find(
        { files_id: _id },
        { sort: { n: 1 }, batchSize: 4, projection: { _id: 0, n: 1, data: 1 } },
      );
      let n = 0;
      try {
        for await (const chunk of cursor) {
          if (chunk.n !== n) break;
          const { buffer } = chunk.data;
          yield Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
          n++;
        }
      } finally {
        await cursor.close();
      }
      if (n !== expected) {
        throw new StorageError(`Could not read artefact ${file.id}: chunk ${n} is missing`);
      }
    }
    return Readable.from(bytes(), { objectMode: false });
  }

  async remove(files: readonly ArtefactFile[]): Promise<void> {
    if (files.length > 0) await this.removeIds(files.map((file) => new ObjectId(file.id)));
  }

  async jobIds(after: string, limit: number): Promise<string[]> {
    const files = await guard('list jobs with artefacts', () =>
      this.files
        .find({ 'metadata.jobId': { $gt: after } }, { projection: { _id: 0, metadata: 1 } })
        .sort({ 'metadata.jobId': 1 })
        .limit(limit)
        .toArray(),
    );
    return [...new Set(files.map((file) => file.metadata.jobId))];
  }

  async filesOf(jobIds: readonly string[]) {
    const files = await guard('list artefact files', () =>
      this.files
        .find(
          { 'metadata.jobId': { $in: [...jobIds] } },
          { projection: { _id: 1, uploadDate: 1, metadata: 1 } },
        )
        .toArray(),
    );
    return files.map((file) => ({
      /** Id of the job that stored the file. */
      jobId: file.metadata.jobId,
      /** The file's id in GridFS, as hex. */
      id: file._id.toHexString(),
      /** When GridFS finished writing it. */
      storedAt: file.uploadDate,
    }));
  }

  async removeUnfinished(startedBefore: Date): Promise<number> {
    const stale = await guard('list unfinished artefact uploads', () =>
      this.uploads.find({ startedAt: { $lt: startedBefore } }).toArray(),
    );
    if (stale.length === 0) return 0;
    const ids = stale.map((upload) => upload._id);
    await this.removeIds(ids);
    await guard('forget unfinished artefact uploads', () =>
      this.uploads.deleteMany({ _id: { $in: ids } }),
    );
    return stale.length;
  }

  /** Chunks first: a file document left by a removal cut short is found and removed again. */
  private async removeIds(ids: ObjectId[]): Promise<void> {
    await guard('remove artefact chunks', () => this.chunks.deleteMany({ files_id: { $in: ids } }));
    await guard('remove artefact files', () => this.files.deleteMany({ _id: { $in: ids } }));
  }

  /** Creates the indexes its listings use (once; a failure is tried again next time). */
  ensureIndexes(): Promise<unknown> {
    this.indexed ??= guard('create the artefact indexes', () =>
      Promise.all([
        this.files.createIndex({ 'metadata.jobId': 1 }, { name: 'job' }),
        this.uploads.createIndex({ startedAt: 1 }, { name: 'started' }),
      ]),
    ).catch((error: unknown) => {
      this.indexed = undefined;
      throw error;
    });
    return this.indexed;
  }
}
