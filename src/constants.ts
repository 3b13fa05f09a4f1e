/**
 * Reflect-metadata key under which `@Job('name')` stores a job class's stable type name.
 * A string (not a symbol) so that two copies of Docket loaded side by side agree on it.
 */
export const JOB_TYPE_METADATA = 'docket:job-type';

/**
 * Reflect-metadata key under which `@JobHandler(JobClass, options)` stores the handled job
 * class and the handler's resolved options.
 */
export const JOB_HANDLER_METADATA = 'docket:job-handler';

/** Queue a job goes to when none is given. */
export const DEFAULT_QUEUE = 'default';

/** What a queue name may be made of: letters, digits and `_ . : -`. */
export const QUEUE_NAME_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** Longest allowed queue name, in characters. */
export const QUEUE_NAME_MAX_LENGTH = 100;
