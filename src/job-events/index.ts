export type { JobEventStream } from './job-event-stream';
export { openJobEventStream } from './job-event-stream';
export {
  resolveJobEventStreamOptions,
  type JobEventStreamOptions,
} from './job-event-stream-options';
