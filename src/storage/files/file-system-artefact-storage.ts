import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtefactFile, ArtefactStorage } from '../artefacts';

/** A file being written: renamed to its id once complete. */
const PART = '.part';

/**
 * Artefacts as files in a directory: one folder per job (its id, hex-encoded so that any id
 * is a safe name), one file per artefact id. A write goes to a `.part` file renamed when
 * complete. For a single machine, or a directory every worker mounts.
 */
export class FileSystemArtefactStorage implements ArtefactStorage {
  /** @param directory - Where the files go (created when missing). */
  constructor(private readonly directory: string) {}

  async write(file: ArtefactFile, data: Readable): Promise<void> {
    const folder = this.folder(file.jobId);
    await mkdir(folder, { recursive: true });
    const part = `${this.path(file)}${PART}`;
    try {
      await pipeline(data, createWriteStream(part, { flags: 'wx' }));
      await rename(part, join(folder, file.id));
    } catch (error) {
      await rm(part, { force: true });
      throw error;
    }
  }

  read(file: ArtefactFile): Readable {
    return createReadStream(this.path(file));
  }

  async remove(files: readonly ArtefactFile[]): Promise<void> {
    for (const file of files) await rm(this.path(file), { force: true });
    const folders = new Set(files.map((file) => this.folder(file.jobId)));
    // A folder goes with its last file; one that still has files stays.
    for (const folder of folders) await rmdir(folder).catch(() => undefined);
  }

  async jobIds(after: string, limit: number): Promise<string[]> {
    const names = await readdir(this.directory).catch(notThere);
    return names
      .map(decodeJobId)
      .filter((id): id is string => id !== null && id > after)
      .sort()
      .slice(0, limit);
  }

  async filesOf(jobIds: readonly string[]) {
    const found: Array<
      ArtefactFile & {
        /** When the file was last written (its modification time). */
        storedAt: Date;
      }
    > = [];
    for (const jobId of jobIds) {
      const folder = this.folder(jobId);
      for (const id of await readdir(folder).catch(notThere)) {
        if (id.endsWith(PART)) continue;
        const { mtimeMs } = await stat(join(folder, id));
        found.push({ jobId, id, storedAt: new Date(mtimeMs) });
      }
    }
    return found;
  }

  async removeUnfinished(startedBefore: Date): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.directory).catch(notThere)) {
      const folder = join(this.directory, name);
      for (const file of await readdir(folder).catch(notThere)) {
        if (!file.endsWith(PART)) continue;
        const path = join(folder, file);
        const { mtimeMs } = await stat(path);
        if (mtimeMs < startedBefore.getTime()) {
          await unlink(path).catch(() => undefined);
          removed++;
        }
      }
    }
    return removed;
  }

  private folder(jobId: string): string {
    return join(this.directory, Buffer.from(jobId, 'utf8').toString('hex'));
  }

  private path(file: ArtefactFile): string {
    if (!/^[0-9a-f]{24}$/.test(file.id)) throw new Error(`not an artefact id: ${file.id}`);
    return join(this.folder(file.jobId), file.id);
  }
}

function decodeJobId(name: string): string | null {
  return /^(?:[0-9a-f]{2})+$/.test(name) ? Buffer.from(name, 'hex').toString('utf8') : null;
}

/** An absent directory lists as empty. */
function notThere(error: NodeJS.ErrnoException): string[] {
  if (error.code === 'ENOENT') return [];
  throw error;
}
