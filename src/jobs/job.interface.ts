/**
 * Marker interface of a job. A job is an instance of a class decorated with `@Job('name')`;
 * its own enumerable fields are the payload, validated with class-validator and stored as a
 * BSON document.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a marker interface: it states intent in signatures (`IJobHandler<T extends IJob>`) without constraining the payload's shape
export interface IJob {}

/**
 * Constructor of a job class. The parameters are typed `never[]` so that any class
 * (whatever its constructor takes) is assignable; Docket itself rebuilds instances without
 * calling the constructor with arguments.
 */
export type JobClass<T extends IJob = IJob> = new (...args: never[]) => T;
