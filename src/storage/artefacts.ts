import type { Readable } from 'node:stream';

/** An artefact as its job lists it (`JobRecord.artefacts`). */
export interface ArtefactInfo {
  /** The stored file's id (unique; names may be reused by later attempts). */
  readonly id: string;
  /** The name the handler gave it, unique within its job. */
  readonly name: string;
  /** Its size in bytes. */
  readonly size: number;
  /** The content type `put` was given (`text/csv`...), else `application/octet-stream`. */
  readonly contentType: string;
  /** The attempt that stored it. */
  readonly attempt: number;
  /** When it was stored. */
  readonly at: Date;
}

/** Where an artefact's bytes are: its job, and its id. */
export interface ArtefactFile {
  /** Id of the job that stored it. */
  readonly jobId: string;
  /** The file's id, unique across jobs (`ArtefactInfo.id`). */
  readonly id: string;
}

/**
 * Where artefacts' bytes are kept. Docket keeps the list of a job's artefacts with the job
 * and fences it; a storage only keeps bytes, by job and id. GridFS (`GridFsArtefactStorage`)
 * is the default; `FileSystemArtefactStorage` keeps files in a directory. Both pass the same
 * conformance tests: a storage of your own should too.
 */
export interface ArtefactStorage {
  /**
   * Streams `data` in as `file`, never holding it whole in memory. When `data` fails (a size
   * limit, a broken source) or the write does, rejects with that error, having removed what
   * it wrote.
   */
  write(file: ArtefactFile, data: Readable, contentType: string): Promise<void>;
  /** Streams a file out; the stream fails when the file is not there. */
  read(file: ArtefactFile): Readable;
  /** Removes files; one that is not there is no error. */
  remove(files: readonly ArtefactFile[]): Promise<void>;
  /** Ids of jobs that have files, in ascending order, after `after`: at most `limit`. */
  jobIds(after: string, limit: number): Promise<string[]>;
  /** The files these jobs have, with when each was written. */
  filesOf(jobIds: readonly string[]): Promise<
    Array<
      ArtefactFile & {
        /** When the file was written. */
        readonly storedAt: Date;
      }
    >
  >;
  /**
   * Removes what writes begun before `startedBefore` left behind without finishing (their
   * process died mid-write); returns how many.
   */
  removeUnfinished(startedBefore: Date): Promise<number>;
}
