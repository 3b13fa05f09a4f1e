import { InvalidOptionsError } from '../errors';
import { checkInteger, checkKnownKeys, checkPlainObject } from '../options/option-checks';
import type { ArtefactStorage } from './artefacts';

/** Where the files handlers store through `JobContext.artefacts` go, and how large they may be. */
export interface ArtefactOptions {
  /**
   * The largest artefact (bytes); a larger one fails its `put` with `ArtefactTooLargeError`.
   * @defaultValue `104857600` (100 MiB)
   */
  maxBytes?: number;
  /**
   * The most all of a job's artefacts may take together (bytes).
   * @defaultValue `1073741824` (1 GiB)
   */
  maxBytesPerJob?: number;
  /**
   * Where the bytes go.
   * @defaultValue a GridFS bucket `<prefix>artefacts` in the jobs' database
   */
  storage?: ArtefactStorage;
}

/** {@link ArtefactOptions} with the limits' defaults applied (the storage stays optional). */
export type ResolvedArtefactOptions = Readonly<Required<Omit<ArtefactOptions, 'storage'>>> & {
  readonly storage?: ArtefactStorage;
};

/** The defaults of the limits of {@link ArtefactOptions}. */
export const ARTEFACT_DEFAULTS = {
  maxBytes: 100 * 1024 * 1024,
  maxBytesPerJob: 1024 * 1024 * 1024,
} as const;

const STORAGE_METHODS = ['write', 'read', 'remove', 'jobIds', 'filesOf', 'removeUnfinished'];

/** Validates artefact options; throws `InvalidOptionsError` naming the option. */
export function resolveArtefactOptions(
  options: ArtefactOptions | undefined,
): ResolvedArtefactOptions {
  if (options === undefined) return ARTEFACT_DEFAULTS;
  checkPlainObject('artefacts', options);
  checkKnownKeys('artefacts', options, ['maxBytes', 'maxBytesPerJob', 'storage']);
  const storage = options.storage as unknown as Record<string, unknown> | undefined;
  if (
    storage !== undefined &&
    (typeof storage !== 'object' ||
      storage === null ||
      STORAGE_METHODS.some((method) => typeof storage[method] !== 'function'))
  ) {
    throw new InvalidOptionsError(
      `artefacts.storage must implement ArtefactStorage (${STORAGE_METHODS.join(', ')})`,
      { option: 'artefacts.storage' },
    );
  }
  const bounds = { min: 1, max: Number.MAX_SAFE_INTEGER };
  return Object.freeze({
    maxBytes: checkInteger(
      'artefacts.maxBytes',
      options.maxBytes ?? ARTEFACT_DEFAULTS.maxBytes,
      bounds,
    ),
    maxBytesPerJob: checkInteger(
      'artefacts.maxBytesPerJob',
      options.maxBytesPerJob ?? ARTEFACT_DEFAULTS.maxBytesPerJob,
      bounds,
    ),
    ...(options.storage === undefined ? {} : { storage: options.storage }),
  });
}
