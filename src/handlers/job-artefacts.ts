import type { Readable } from 'node:stream';
import type { ArtefactInfo } from '../storage/artefacts';

/** What `JobContext.artefacts.put` takes: text (UTF-8), bytes, or a stream of either. */
export type ArtefactData = string | Uint8Array | Readable | AsyncIterable<Uint8Array | string>;

/** `JobContext.artefacts`: the files a job leaves. */
export interface JobArtefacts {
  /**
   * Stores a file under `name` (unique within the job: a later put of the same name, by this
   * attempt or a later one, replaces it), streamed to the artefact storage and never held
   * whole in memory, then lists it with the job under the attempt's fence. Inside
   * `ctx.transaction`'s work, the listing commits with the transaction.
   * @throws InvalidOptionsError for an invalid name, content type or data.
   * @throws ArtefactTooLargeError past `artefacts.maxBytes`, or the job's `maxBytesPerJob`.
   * @throws LeaseLostError when the attempt no longer holds the job (nothing kept).
   * @throws the attempt's signal's reason when it ended meanwhile; what the data stream throws.
   */
  put(name: string, data: ArtefactData, options?: { contentType?: string }): Promise<ArtefactInfo>;
}
