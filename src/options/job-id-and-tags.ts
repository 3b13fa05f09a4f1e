import { InvalidOptionsError } from '../errors';
import { checkString, describeValue } from './option-checks';

/*
 * Checks of what a caller may choose to identify and label a job: its id and its tags.
 * Shared by enqueue (which stores them) and by searches (which look for them), so that a
 * search can never ask for a tag that enqueue would refuse.
 */

/** Longest job id a caller may choose, in characters. */
export const CALLER_JOB_ID_MAX_LENGTH = 200;

/**
 * What a caller-chosen job id (and a recurring job id) may be made of. No `@`: Docket's own
 * recurring jobs are stored under `<recurringId>@<instant>`, and a caller's id must never
 * take one of those.
 */
const CALLER_JOB_ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** Most tags one job may carry. */
export const MAX_JOB_TAGS = 20;

/** Longest tag, in characters. */
export const JOB_TAG_MAX_LENGTH = 100;

const NO_CONTROL_CHARACTERS = /^\P{Cc}+$/u;

/**
 * Checks a job id a caller chose: 1 to 200 characters from `[A-Za-z0-9_.:-]`.
 * @throws InvalidOptionsError - naming `name`, e.g. "id must be a string of 1 to 200
 *   characters from [A-Za-z0-9_.:-], got "a b"".
 */
export function checkCallerJobId(name: string, value: unknown): string {
  return checkString(name, value, {
    maxLength: CALLER_JOB_ID_MAX_LENGTH,
    pattern: CALLER_JOB_ID_PATTERN,
  });
}

/**
 * Checks one tag: 1 to 100 characters, no control characters. Tags are compared exactly
 * (case-sensitive).
 * @throws InvalidOptionsError - naming `name`.
 */
export function checkJobTag(name: string, value: unknown): string {
  return checkString(name, value, {
    maxLength: JOB_TAG_MAX_LENGTH,
    pattern: NO_CONTROL_CHARACTERS,
    patternDescription: 'without control characters',
  });
}

/**
 * Checks a list of tags: an array of 1 to 20 tags (see {@link checkJobTag}); a tag given
 * twice counts once. Returns them frozen, in the order first given.
 * @throws InvalidOptionsError - naming `name`, or `name[i]` for a bad tag.
 */
export function checkJobTags(name: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_JOB_TAGS) {
    throw new InvalidOptionsError(
      `${name} must be an array of 1 to ${MAX_JOB_TAGS} tags, got ${describeValue(value)}`,
      { option: name },
    );
  }
  const tags = value.map((tag, i) => checkJobTag(`${name}[${i}]`, tag));
  return Object.freeze([...new Set(tags)]);
}
