import type {
  FindJobsOptions,
  JobFilter,
  PayloadFilterValue,
  TimeRangeFilter,
} from '../../job-search';
import { checkString } from '../../options/option-checks';
import { badRequest } from '../http/http-problem';
import { payloadReadings } from '../payload-readings';
import { checkId, limitQuery, queryValue } from './api-params';
import type { ApiContext } from './api-route';
import { parseDateTimeField } from './date-time-field';

/** The prefix of payload query parameters: `payload.customer.id=42`. */
const PAYLOAD_PARAMETER = 'payload.';

/**
 * The query parameters of `GET api/jobs`, in the order the OpenAPI document lists them;
 * `payload.*` stands for every `payload.<path>`.
 */
export const JOB_LIST_PARAMETERS = [
  'state',
  'queue',
  'type',
  'typePrefix',
  'idPrefix',
  'search',
  'batch',
  'errorContains',
  'deadLettered',
  `${PAYLOAD_PARAMETER}*`,
  'tag',
  'createdFrom',
  'createdTo',
  'finishedFrom',
  'finishedTo',
  'dueFrom',
  'dueTo',
  'sort',
  'direction',
  'limit',
  'cursor',
] as const;

/** The time range parameters, by the filter field they bound. */
const RANGES = [
  ['createdAt', 'createdFrom', 'createdTo'],
  ['finishedAt', 'finishedFrom', 'finishedTo'],
  ['dueAt', 'dueFrom', 'dueTo'],
] as const;

/**
 * Reads the filter and the paging of `GET api/jobs` from its query string. Only the shapes
 * are read here (a list of states, dates, payload values); the filter and options are checked
 * where the scheduler checks them, and their errors name the parameters: the filter's fields
 * are the parameters' names.
 * @throws InvalidOptionsError / HttpProblem - 400 naming the parameter.
 */
export function readJobListQuery(context: ApiContext): {
  filter: JobFilter;
  options: FindJobsOptions;
} {
  const filter: Record<string, unknown> = {};
  const text = (name: string) => queryValue(context, name);
  const state = text('state');
  if (state !== null) {
    const states = state.split(',');
    filter.state = states.length === 1 ? states[0] : states;
  }
  for (const name of ['queue', 'type', 'typePrefix', 'idPrefix', 'errorContains'] as const) {
    const value = text(name);
    if (value !== null) filter[name] = value;
  }
  const deadLettered = text('deadLettered');
  if (deadLettered !== null) {
    // `true` and `false` as booleans; any other text goes on for the filter's check to refuse.
    const flags: Record<string, boolean> = { true: true, false: false };
    filter.deadLettered = flags[deadLettered] ?? deadLettered;
  }
  const search = text('search');
  if (search !== null) {
    if (filter.idPrefix !== undefined) {
      throw badRequest('INVALID_INPUT', 'Give idPrefix or search (its older name), not both', {
        field: 'search',
      });
    }
    filter.idPrefix = checkString('search', search, { maxLength: 500 });
  }
  // `batch` is the filter's `batchId`: checked here, so that an error names the parameter.
  const batch = text('batch');
  if (batch !== null) filter.batchId = checkId('batch', batch);
  const payload = payloadQuery(context);
  if (payload !== null) filter.payload = payload;
  // Repeated, one tag each (a tag may hold a comma); checked as the filter's `tags`.
  const tags = context.query.getAll('tag');
  if (tags.length > 0) filter.tags = tags;
  for (const [field, fromName, toName] of RANGES) {
    const from = text(fromName);
    const to = text(toName);
    if (from === null && to === null) continue;
    const range: { from?: Date; to?: Date } = {};
    if (from !== null) range.from = parseDateTimeField(fromName, from);
    if (to !== null) range.to = parseDateTimeField(toName, to);
    filter[field] = range satisfies TimeRangeFilter;
  }
  const options: Record<string, unknown> = { limit: limitQuery(context) };
  for (const name of ['sort', 'direction', 'cursor'] as const) {
    const value = text(name);
    if (value !== null) options[name] = value;
  }
  return { filter: filter as JobFilter, options: options as FindJobsOptions };
}

/**
 * The `payload.<path>` parameters, or null when there are none. A query string carries
 * text only: a value that reads as a number or a boolean matches that value or the text.
 */
function payloadQuery(context: ApiContext): Record<string, PayloadFilterValue[]> | null {
  // No prototype: a path named `__proto__` is an own key, which the filter's check refuses.
  const payload: Record<string, PayloadFilterValue[]> = Object.create(null) as Record<
    string,
    PayloadFilterValue[]
  >;
  let found = false;
  for (const name of new Set(context.query.keys())) {
    if (!name.startsWith(PAYLOAD_PARAMETER)) continue;
    const value = checkString(name, queryValue(context, name), {
      maxLength: 500,
      allowEmpty: true,
    });
    payload[name.slice(PAYLOAD_PARAMETER.length)] = payloadReadings(value);
    found = true;
  }
  return found ? payload : null;
}
