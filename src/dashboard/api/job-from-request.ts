import { InvalidOptionsError, UnknownJobTypeError } from '../../errors';
import { fromStoredPayload, jobClassFor, type IJob } from '../../jobs';
import { checkPlainObject, checkString } from '../../options/option-checks';

/**
 * Builds the job instance a request names by `type` and describes by `payload` (its fields
 * as JSON): what `POST api/jobs` enqueues and `PUT api/recurring/{id}` schedules. The
 * payload is validated later, by the verb, against the class's rules.
 * @param at - Where the two fields sit in the body, prefixed to their names in errors
 *   (`jobs[2].` names `jobs[2].type`); empty for fields at the top of the body.
 * @throws InvalidOptionsError - naming `type` or `payload`.
 * @throws UnknownJobTypeError - when no class of that type is loaded in this process.
 */
export function jobFromRequest(type: unknown, payload: unknown, at = ''): IJob {
  const jobType = checkString(`${at}type`, type, { maxLength: 200 });
  const jobClass = jobClassFor(jobType);
  if (jobClass === undefined) {
    throw new UnknownJobTypeError(
      `Unknown job type '${jobType}': no class decorated with @Job('${jobType}') is loaded in ` +
        'the dashboard process (GET api/job-types lists those that are)',
      { jobType },
    );
  }
  const fields = checkPlainObject(`${at}payload`, payload ?? {});
  try {
    return fromStoredPayload(jobClass, fields);
  } catch (error) {
    throw new InvalidOptionsError(
      `${at}payload cannot be turned into a '${jobType}' job: ${error instanceof Error ? error.message : String(error)}`,
      { option: `${at}payload`, jobType },
    );
  }
}
