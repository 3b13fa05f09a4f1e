/**
 * The conformance tests every `ArtefactStorage` passes: GridFS (the default) and the file
 * system one, the second implementation that proves the interface.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ObjectId } from 'mongodb';
import {
  FileSystemArtefactStorage,
  GridFsArtefactStorage,
  type ArtefactFile,
  type ArtefactStorage,
} from '../../../src';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

const file = (jobId: string): ArtefactFile => ({ jobId, id: new ObjectId().toHexString() });

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Bytes that differ at every position, so that a chunk out of order shows. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
  return bytes;
}

describe('artefact storages', () => {
  let db: TestDatabase;
  let directory: string;

  beforeAll(async () => {
    db = await openTestDatabase('artefact_storage');
    directory = await mkdtemp(join(tmpdir(), 'docket-artefacts-'));
  });

  afterAll(async () => {
    await db?.cleanup();
    await rm(directory, { recursive: true, force: true });
  });

  describe.each([
    ['GridFS', () => new GridFsArtefactStorage(db.client.db(db.dbName), 'conformance.artefacts')],
    ['file system', () => new FileSystemArtefactStorage(join(directory, 'store'))],
  ] as Array<[string, () => ArtefactStorage]>)('%s artefact storage', (_name, create) => {
    let storage: ArtefactStorage;
    beforeAll(() => {
      storage = create();
    });

    it('streams a file in and out, byte for byte, over many chunks', async () => {
      const bytes = pattern(1_000_003);
      const stored = file('job-a');
      const chunks = Array.from({ length: 40 }, (_, i) =>
        bytes.subarray(i * 25_000, (i + 1) * 25_000),
      );
      chunks.push(bytes.subarray(1_000_000));
      await storage.write(stored, Readable.from(chunks), 'application/octet-stream');
      expect((await readAll(storage.read(stored))).equals(bytes)).toBe(true);
      expect(await storage.filesOf(['job-a'])).toEqual([
        { jobId: 'job-a', id: stored.id, storedAt: expect.any(Date) },
      ]);
    });

    it('removes what it wrote when the data fails mid-stream, and rejects with that error', async () => {
      const stored = file('job-b');
      async function* failing() {
        yield pattern(300_000);
        throw new Error('source broke');
      }
      await expect(storage.write(stored, Readable.from(failing()), 'text/plain')).rejects.toThrow(
        'source broke',
      );
      expect(await storage.filesOf(['job-b'])).toEqual([]);
      await expect(readAll(storage.read(stored))).rejects.toThrow();
    });

    it('lists the jobs that have files in order, after a given id, a bounded number', async () => {
      for (const jobId of ['list-3', 'list-1', 'list-2']) {
        await storage.write(file(jobId), Readable.from(['x']), 'text/plain');
      }
      const ids = await storage.jobIds('list-', 10);
      expect(ids.filter((id) => id.startsWith('list-'))).toEqual(['list-1', 'list-2', 'list-3']);
      expect(await storage.jobIds('list-1', 1)).toEqual(['list-2']);
    });

    it('removes files, a missing one being no error', async () => {
      const kept = file('job-c');
      const removed = file('job-c');
      await storage.write(kept, Readable.from(['kept']), 'text/plain');
      await storage.write(removed, Readable.from(['removed']), 'text/plain');
      await storage.remove([removed, file('job-c'), file('no-such-job')]);
      expect((await storage.filesOf(['job-c'])).map((f) => f.id)).toEqual([kept.id]);
      expect((await readAll(storage.read(kept))).toString()).toBe('kept');
    });

    it('removes a write left unfinished (its process died) once it is old enough', async () => {
      const stored = file('job-d');
      const source = new PassThrough();
      const writing = storage.write(stored, source, 'text/plain');
      source.write(pattern(300_000));
      // Not yet old enough: nothing goes.
      expect(await storage.removeUnfinished(new Date(Date.now() - 60_000))).toBe(0);
      await waitFor(
        async () => (await storage.removeUnfinished(new Date(Date.now() + 60_000))) > 0,
      );
      source.destroy(new Error('the process died'));
      await expect(writing).rejects.toThrow();
      expect(await storage.filesOf(['job-d'])).toEqual([]);
    });
  });
});
