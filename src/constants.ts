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

// Commands and sagas

/** Reflect-metadata key under which `@Command('name')` stores a command's stable name. */
export const COMMAND_TYPE_METADATA = 'docket:command-type';

/** Reflect-metadata key under which `@CommandHandler(CommandClass)` stores the command class. */
export const COMMAND_HANDLER_METADATA = 'docket:command-handler';

/** Reflect-metadata key marking a class decorated with `@Saga()`. */
export const SAGA_METADATA = 'docket:saga';

/** Reflect-metadata key under which `@OnEvent(EventClass)` lists a saga's reactions. */
export const SAGA_REACTIONS_METADATA = 'docket:saga-reactions';

/**
 * Reflect-metadata key under which `@Recurring(id, cron, options)` stores the recurring
 * declarations of a job or handler class (an array: a class may declare several).
 */
export const RECURRING_METADATA = 'docket:recurring';
