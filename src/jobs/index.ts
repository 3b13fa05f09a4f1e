export { Job, JOB_TYPE_NAME_PATTERN } from './job.decorator';
export type { IJob, JobClass } from './job.interface';
export { fromStoredPayload, toStoredPayload } from './job-payload';
export { jobClassFor, jobTypeOf, registeredJobTypes } from './job-type-registry';
export { validateJob } from './job-validator';
export { MAX_ARRAY_LENGTH, MAX_DOCUMENT_BYTES, MAX_PAYLOAD_DEPTH } from './payload-rules';
export { toStorableJob, type StorableJob } from './storable-job';
