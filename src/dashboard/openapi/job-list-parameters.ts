import { int, queryParameter, str, time } from './schema-builders';

/*
 * The query parameters of `GET api/jobs`, in the order the route lists them (a test checks
 * both): the fields of the scheduler's job filter, its sort and its paging.
 */

/** The time range parameters of `GET api/jobs`. */
const RANGE_PARAMETERS = (
  [
    ['created', 'created'],
    ['finished', 'finished (unfinished jobs never match)'],
    ['due', 'due'],
  ] as const
).flatMap(([prefix, what]) => [
  queryParameter(
    `${prefix}From`,
    time,
    `Jobs ${what} at or after this time (ISO 8601 with a zone)`,
  ),
  queryParameter(`${prefix}To`, time, `Jobs ${what} before this time`),
]);

/** Every query parameter of `GET api/jobs`. */
export const JOB_LIST_PARAMETERS = [
  queryParameter(
    'state',
    str,
    'One state, or several separated by commas (failed,deleted); all jobs when absent',
  ),
  queryParameter('queue', str, 'Only this queue'),
  queryParameter('type', str, 'Only this job type (exact name)'),
  queryParameter('typePrefix', str, 'Job type names starting with this text'),
  queryParameter(
    'idPrefix',
    { ...str, maxLength: 500 },
    'Job ids starting with this text (case-sensitive)',
  ),
  queryParameter(
    'search',
    { ...str, maxLength: 500 },
    'The older name of idPrefix (an id prefix, no longer text anywhere in the id)',
  ),
  queryParameter(
    'batch',
    { ...str, maxLength: 500 },
    'Only the jobs of the batch of this id (those of batches nested in it not included)',
  ),
  queryParameter(
    'errorContains',
    { ...str, maxLength: 200 },
    "Text the last error's message contains, ignoring case (not a pattern)",
  ),
  queryParameter(
    'deadLettered',
    { type: 'boolean' },
    'true: only jobs in the dead-letter queue; false: only others',
  ),
  queryParameter(
    'payload.*',
    str,
    'payload.<path>=value, one parameter per payload field (payload.customer.id=42): the path is identifiers joined by dots; a value that reads as a number or a boolean matches it or the text',
  ),
  queryParameter(
    'tag',
    { ...str, maxLength: 100 },
    'Jobs carrying this tag; repeat the parameter for jobs carrying every one of several (tag=eu&tag=vip), at most 20',
  ),
  ...RANGE_PARAMETERS,
  queryParameter(
    'sort',
    { ...str, enum: ['id', 'createdAt', 'dueAt', 'finishedAt'] },
    'Sort field (ties by id); default finishedAt for finished states, dueAt for unfinished ones, id otherwise',
  ),
  queryParameter(
    'direction',
    { ...str, enum: ['asc', 'desc'] },
    'Default asc for dueAt, desc otherwise',
  ),
  queryParameter('limit', { ...int, minimum: 1, default: 20 }, 'Page size, at most maxPageSize'),
  queryParameter('cursor', str, 'nextCursor of the previous page (same filters and sort)'),
];
