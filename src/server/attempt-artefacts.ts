import type { ClientSession } from 'mongodb';
import { ObjectId } from 'mongodb';
import { Readable } from 'node:stream';
import {
  ArtefactTooLargeError,
  InvalidOptionsError,
  LeaseLostError,
  type DocketErrorDetails,
} from '../errors';
import { checkString } from '../options/option-checks';
import type { ResolvedArtefactOptions } from '../storage/artefact-options';
import type { ArtefactInfo } from '../storage/artefacts';
import type { JobLease } from '../storage/job-store';
import type { MongoJobArtefacts } from '../storage/mongo/mongo-job-artefacts';
import type { ArtefactData, JobArtefacts } from '../handlers/job-artefacts';
import type { Clock } from './clock';

/** What {@link AttemptArtefacts} needs from its attempt. */
export interface AttemptArtefactsDeps {
  readonly store: MongoJobArtefacts;
  readonly options: ResolvedArtefactOptions;
  readonly details: DocketErrorDetails & { readonly attempt: number };
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** The session of the attempt's transaction while its work runs. */
  readonly session: () => ClientSession | undefined;
  readonly loseLease: (error: LeaseLostError) => void;
}

/** Names: at most 255 characters, none of them a control character or a path separator. */
function checkName(name: unknown): string {
  const checked = checkString('name', name, { maxLength: 255 });
  const bad = [...checked].find((c) => c < ' ' || c === '\u007f' || c === '/' || c === '\\');
  if (bad !== undefined) {
    throw new InvalidOptionsError(
      `artefact name must not contain control characters or path separators, got ${JSON.stringify(checked)}`,
      { option: 'name' },
    );
  }
  return checked;
}

/** A MIME type, with optional parameters. */
const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/;

/** The artefacts of one attempt (see {@link JobArtefacts}). */
export class AttemptArtefacts implements JobArtefacts {
  constructor(
    private readonly lease: JobLease,
    private readonly deps: AttemptArtefactsDeps,
  ) {}

  async put(
    name: string,
    data: ArtefactData,
    options: { contentType?: string } = {},
  ): Promise<ArtefactInfo> {
    const { store, signal, details } = this.deps;
    checkName(name);
    const contentType =
      options?.contentType === undefined
        ? 'application/octet-stream'
        : checkString('contentType', options.contentType, {
            pattern: CONTENT_TYPE,
            maxLength: 255,
          });
    const source = toStream(data);
    signal.throwIfAborted();
    const session = this.deps.session();
    const used = await store.usedBytes(this.lease, name, session);
    if (used === null) throw this.lost();
    const { maxBytes, maxBytesPerJob } = this.deps.options;
    const left = maxBytesPerJob - used;
    const [limit, scope] =
      maxBytes <= left ? [maxBytes, 'artefact' as const] : [left, 'job' as const];
    const file = { jobId: this.lease.jobId, id: new ObjectId().toHexString() };
    let size = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        signal.throwIfAborted();
        const bytes = toBytes(chunk);
        size += bytes.length;
        if (size > limit) throw new ArtefactTooLargeError(name, limit, scope, details);
        yield bytes;
      }
    }
    await store.storage.write(file, Readable.from(counted()), contentType);
    const entry: ArtefactInfo = {
      id: file.id,
      name,
      size,
      contentType,
      attempt: details.attempt,
      at: this.deps.clock.now(),
    };
    const result = await store
      .attach(this.lease, entry, maxBytesPerJob, session)
      .catch(async (error: unknown) => {
        await store.storage.remove([file]).catch(() => undefined);
        throw error;
      });
    if (!result.attached) {
      await store.storage.remove([file]).catch(() => undefined);
      if (result.why === 'stale') throw this.lost();
      throw new ArtefactTooLargeError(name, Math.max(0, left), 'job', details);
    }
    // In a transaction the replacement is not committed yet: the sweep removes the old file.
    if (result.replaced && !session) {
      await store.storage
        .remove([{ jobId: file.jobId, id: result.replaced.id }])
        .catch(() => undefined);
    }
    return entry;
  }

  private lost(): LeaseLostError {
    const error = new LeaseLostError(this.deps.details);
    this.deps.loseLease(error);
    return error;
  }
}

/** A chunk of the data as bytes (without a copy); a chunk of any other kind is refused. */
function toBytes(chunk: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  throw new InvalidOptionsError(
    `artefact data chunks must be strings or bytes, got ${typeof chunk}`,
    { option: 'data' },
  );
}

/** The data as a stream; anything else is refused. */
function toStream(data: ArtefactData): AsyncIterable<Uint8Array | string> {
  if (typeof data === 'string' || data instanceof Uint8Array) return Readable.from([data]);
  if (data !== null && typeof data === 'object' && Symbol.asyncIterator in data) return data;
  throw new InvalidOptionsError(
    'artefact data must be a string, a Buffer or Uint8Array, a Readable or an async iterable of chunks',
    { option: 'data' },
  );
}
