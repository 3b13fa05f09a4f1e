/**
 * Names of the spans' and metrics' attributes and of the metrics. Those under `messaging.*`
 * and `error.type` follow OpenTelemetry's semantic conventions for messaging; Docket's own
 * live under `docket.*`.
 */
export const ATTR = {
  messagingSystem: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  messageId: 'messaging.message.id',
  errorType: 'error.type',
  jobType: 'docket.job.type',
  attempt: 'docket.job.attempt',
  maxAttempts: 'docket.job.max_attempts',
  outcome: 'docket.attempt.outcome',
  recurringId: 'docket.recurring.id',
  state: 'docket.job.state',
} as const;

/** `messaging.system` of every span. */
export const MESSAGING_SYSTEM = 'docket';

/** The instrumentation scope of the tracer and the meter. */
export const INSTRUMENTATION_SCOPE = 'docket';

/** The metrics, each with its instrument's name, unit and description. */
export const METRIC = {
  enqueued: { name: 'docket.jobs.enqueued', unit: '{job}', description: 'Jobs stored.' },
  started: {
    name: 'docket.jobs.started',
    unit: '{attempt}',
    description: 'Attempts started (jobs claimed by a server).',
  },
  succeeded: { name: 'docket.jobs.succeeded', unit: '{job}', description: 'Jobs succeeded.' },
  retried: {
    name: 'docket.jobs.retried',
    unit: '{attempt}',
    description: 'Failed attempts that will be retried.',
  },
  failed: {
    name: 'docket.jobs.failed',
    unit: '{job}',
    description: 'Jobs failed for good (attempts exhausted, or not retryable).',
  },
  attemptDuration: {
    name: 'docket.attempt.duration',
    unit: 's',
    description: 'How long an attempt ran, from the handler (and filters) start to its outcome.',
  },
  queueLatency: {
    name: 'docket.queue.latency',
    unit: 's',
    description: 'How long an attempt waited between becoming due and being claimed.',
  },
  queueDepth: {
    name: 'docket.queue.depth',
    unit: '{job}',
    description: 'Unfinished jobs per queue and state.',
  },
} as const;

/**
 * Bucket boundaries, in seconds, advised for the two histograms (the SDK's default ones
 * suit milliseconds): 5 ms to an hour.
 */
export const SECONDS_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
];
