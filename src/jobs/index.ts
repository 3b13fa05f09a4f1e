export { Job, JOB_TYPE_NAME_PATTERN } from './job.decorator';
export type { IJob, JobClass } from './job.interface';
export { fromStoredPayload, toStoredPayload } from './job-payload';
export { jobClassFor, jobTypeOf, registeredJobTypes } from './job-type-registry';
export { validateJob } from './job-validator';
