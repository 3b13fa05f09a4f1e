export type { JobEventStream } from './job-event-stream';
export { openJobEventStream } from './job-event-stream';
export {
  JOB_EVENT_STREAM_DEFAULTS,
  resolveJobEventStreamOptions,
  type JobEventStreamOptions,
} from './job-event-stream-options';
