import {
  AttemptCommittedError,
  CheckpointTooLargeError,
  DocketClosedError,
  DocketError,
  DuplicateHandlerError,
  DuplicateJobTypeError,
  HandlerNotFoundError,
  InvalidCronExpressionError,
  InvalidOptionsError,
  IsolatedWorkerExitedError,
  IsolationUnsupportedError,
  JobDeletedError,
  JobNotFoundError,
  JobTimeoutError,
  JobValidationError,
  JobSnoozedError,
  JobWaitTimeoutError,
  JobEventsLostError,
  LeaseLostError,
  NonSerializableCheckpointError,
  NonSerializablePayloadError,
  PayloadTooLargeError,
  SnoozeLimitError,
  StorageError,
  SchemaVersionError,
  UnknownJobTypeError,
  UnknownQueueError,
  UnresolvableDependencyError,
  TransactionsUnsupportedError,
} from '../../../src/errors';

const cause = new Error('driver said no');

const cases: Array<[DocketError, string, string, string]> = [
  [
    new IsolatedWorkerExitedError(
      { isolation: 'process', reason: 'exited', exitCode: 3 },
      { jobId: '42', jobType: 'email.send' },
    ),
    'IsolatedWorkerExitedError',
    'ISOLATED_WORKER_EXITED',
    'The child process running job 42 (email.send) exited (code 3)',
  ],
  [
    new IsolatedWorkerExitedError({
      isolation: 'thread',
      reason: 'outOfMemory',
      exitCode: 1,
      detail: 'Worker terminated due to reaching memory limit',
    }),
    'IsolatedWorkerExitedError',
    'ISOLATED_WORKER_EXITED',
    'The worker thread ran out of memory (code 1): Worker terminated due to reaching memory limit',
  ],
  [
    new IsolationUnsupportedError('transaction', { jobId: '42' }),
    'IsolationUnsupportedError',
    'ISOLATION_UNSUPPORTED',
    "JobContext.transaction is not available to an isolated handler (job 42): it needs the server's MongoDB connection; run the handler with isolation 'inline'",
  ],
  [new DocketError('base', { cause }), 'DocketError', 'DOCKET', 'base'],
  [
    new JobValidationError(
      'email.send',
      [
        { path: 'to', constraints: { isEmail: 'to must be an email' }, value: 'x' },
        {
          path: 'subject',
          constraints: {
            isString: 'subject must be a string',
            isNotEmpty: 'subject should not be empty',
          },
        },
      ],
      { cause },
    ),
    'JobValidationError',
    'JOB_VALIDATION',
    "Invalid payload for job type 'email.send': to: to must be an email; " +
      'subject: subject must be a string, subject should not be empty',
  ],
  [
    new UnknownJobTypeError(
      "SendEmailJob is not a job class: decorate it with @Job('stable.name')",
      {
        cause,
      },
    ),
    'UnknownJobTypeError',
    'UNKNOWN_JOB_TYPE',
    "SendEmailJob is not a job class: decorate it with @Job('stable.name')",
  ],
  [
    new DuplicateJobTypeError('email.send', 'SendEmailJob', 'OtherJob'),
    'DuplicateJobTypeError',
    'DUPLICATE_JOB_TYPE',
    "Job type 'email.send' is already used by class SendEmailJob; class OtherJob must use another name",
  ],
  [
    new DuplicateHandlerError('email.send', 'AHandler', 'BHandler'),
    'DuplicateHandlerError',
    'DUPLICATE_HANDLER',
    "Job type 'email.send' has two handlers, AHandler and BHandler: a job type has exactly one handler",
  ],
  [
    new HandlerNotFoundError('email.send', { cause }),
    'HandlerNotFoundError',
    'HANDLER_NOT_FOUND',
    "No handler is registered for job type 'email.send': decorate a class with " +
      '@JobHandler(TheJobClass) and make sure its module is loaded before the server starts',
  ],
  [
    new InvalidOptionsError('pollIntervalMs must be an integer ≥ 10, got -5', {
      option: 'server.pollIntervalMs',
      cause,
    }),
    'InvalidOptionsError',
    'INVALID_OPTIONS',
    'pollIntervalMs must be an integer ≥ 10, got -5',
  ],
  [
    new NonSerializablePayloadError('x', 'payload.items[2].callback', 'functions cannot be stored'),
    'NonSerializablePayloadError',
    'NON_SERIALIZABLE_PAYLOAD',
    "Job 'x' payload is not serialisable at payload.items[2].callback: functions cannot be stored",
  ],
  [
    new PayloadTooLargeError('x', 2000, 1000),
    'PayloadTooLargeError',
    'PAYLOAD_TOO_LARGE',
    "Job 'x' payload is 2000 bytes as BSON, over the limit of 1000 bytes: " +
      'store large data elsewhere and put a reference in the job',
  ],
  [
    new SchemaVersionError('2.0', '1.1', 'newer'),
    'SchemaVersionError',
    'SCHEMA_VERSION',
    "The database's Docket schema is version 2.0, newer than this code's 1.1: upgrade this process to a Docket that writes schema 2.x. Nothing was written.",
  ],
  [
    new SchemaVersionError('1.0', '1.1', 'older', ['1.1: fill in fields']),
    'SchemaVersionError',
    'SCHEMA_VERSION',
    "The database's Docket schema is version 1.0, older than this code's 1.1, and schema.onOlder is 'throw'. Start once with onOlder 'migrate' to run: 1.1: fill in fields. Nothing was written.",
  ],
  [
    new StorageError("Could not claim a job from queue 'default'", { cause }),
    'StorageError',
    'STORAGE',
    "Could not claim a job from queue 'default'",
  ],
  [
    new JobTimeoutError(500, { jobId: '42', jobType: 'email.send', cause }),
    'JobTimeoutError',
    'JOB_TIMEOUT',
    'Job 42 (email.send) timed out after 500 ms',
  ],
  [
    new LeaseLostError({ jobId: '42', cause }),
    'LeaseLostError',
    'LEASE_LOST',
    'Lease on job 42 was lost: another worker may be running it',
  ],
  [
    new AttemptCommittedError(true, { jobId: '42', jobType: 'order.pay', attempt: 2 }),
    'AttemptCommittedError',
    'ATTEMPT_COMMITTED',
    "ctx.transaction was called again in attempt 2 of job 42 (order.pay), after its transaction committed the job's success: " +
      'an attempt has one transaction; put every write that must commit with the success inside it',
  ],
  [
    new AttemptCommittedError(false, { jobId: '42', jobType: 'order.pay', attempt: 2 }, 'snooze'),
    'AttemptCommittedError',
    'ATTEMPT_COMMITTED',
    'ctx.snooze was called in attempt 2 of job 42 (order.pay), while its transaction was still running: ' +
      'an attempt has one transaction; put every write that must commit with the success inside it',
  ],
  [
    new JobSnoozedError(new Date('2026-03-01T12:00:00Z'), { jobId: '42', jobType: 'poll' }),
    'JobSnoozedError',
    'JOB_SNOOZED',
    'Job 42 (poll) snoozed until 2026-03-01T12:00:00.000Z',
  ],
  [
    new SnoozeLimitError(100, { jobId: '42', jobType: 'poll' }),
    'SnoozeLimitError',
    'SNOOZE_LIMIT',
    "Job 42 (poll) snoozed 100 times already, its handler's limit (option maxSnoozes): it cannot snooze again",
  ],
  [
    new NonSerializableCheckpointError('checkpoint.cb', 'a function', { jobType: 'import' }),
    'NonSerializableCheckpointError',
    'NON_SERIALIZABLE_CHECKPOINT',
    "The checkpoint of job 'import' is not serialisable at checkpoint.cb: a function",
  ],
  [
    new CheckpointTooLargeError(70_000, 65_536, { jobType: 'import' }),
    'CheckpointTooLargeError',
    'CHECKPOINT_TOO_LARGE',
    "The checkpoint of job 'import' is 70000 bytes as BSON, over the limit of 65536 bytes " +
      '(option maxCheckpointBytes): keep large state elsewhere and checkpoint a reference to it',
  ],
  [
    new TransactionsUnsupportedError(
      {},
      { what: "run a handler's writes in a transaction", instead: 'Write without it' },
    ),
    'TransactionsUnsupportedError',
    'TRANSACTIONS_UNSUPPORTED',
    "Cannot run a handler's writes in a transaction: this MongoDB is a standalone server, and MongoDB runs " +
      'transactions on replica sets and sharded clusters only (a one-member replica set will do). ' +
      'Write without it, or run MongoDB as a replica set.',
  ],
  [
    new JobDeletedError({ cause }),
    'JobDeletedError',
    'JOB_DELETED',
    'Job was deleted while running',
  ],
  [
    new JobDeletedError({ jobId: '42', jobType: 'email.send' }, 'before it finished'),
    'JobDeletedError',
    'JOB_DELETED',
    'Job 42 (email.send) was deleted before it finished',
  ],
  [
    new JobWaitTimeoutError({
      jobId: '42',
      awaitedStates: ['succeeded', 'failed', 'deleted'],
      lastState: 'processing',
      waitedMs: 1_003,
      timeoutMs: 1_000,
    }),
    'JobWaitTimeoutError',
    'JOB_WAIT_TIMEOUT',
    "job 42 did not reach 'succeeded' or 'failed' or 'deleted' within 1000 ms (waited 1003 ms); " +
      "last seen state: 'processing'",
  ],
  [new JobNotFoundError('42'), 'JobNotFoundError', 'JOB_NOT_FOUND', "Job '42' was not found"],
  [
    new JobEventsLostError('The job event stream cannot go on from its position', 'c.82'),
    'JobEventsLostError',
    'JOB_EVENTS_LOST',
    'The job event stream cannot go on from its position',
  ],
  [
    new InvalidCronExpressionError('* * *', 'too few fields', { cause }),
    'InvalidCronExpressionError',
    'INVALID_CRON_EXPRESSION',
    "Invalid cron expression '* * *': too few fields",
  ],
  [
    new DocketClosedError('enqueue'),
    'DocketClosedError',
    'DOCKET_CLOSED',
    'Docket is closed: enqueue was called after close(). Create a new instance with Docket.create to keep working',
  ],
  [
    new DocketClosedError('waitForJob', { pending: true }),
    'DocketClosedError',
    'DOCKET_CLOSED',
    'Docket was closed while waitForJob was pending. Create a new instance with Docket.create to keep working',
  ],
  [
    new UnknownQueueError('mial', 'resumeQueue'),
    'UnknownQueueError',
    'UNKNOWN_QUEUE',
    "resumeQueue: queue 'mial' is unknown (no job, server, recurring job or stored queue state uses it). " +
      'Check the name, or pass { allowUnknown: true } to accept it (nothing to resume)',
  ],
  [
    new UnresolvableDependencyError(
      'SendEmailHandler',
      {
        token: 'SmtpClient',
        parameterIndex: 1,
        dependencyPath: ['SendEmailHandler', 'Mailer'],
        reason: 'not-constructible',
      },
      'email.send',
    ),
    'UnresolvableDependencyError',
    'UNRESOLVABLE_DEPENDENCY',
    'Handler SendEmailHandler cannot be resolved (through SendEmailHandler → Mailer): ' +
      'constructor parameter #1 of Mailer needs SmtpClient, which is not registered in the ' +
      'container and cannot be constructed (its constructor takes parameters but has no ' +
      '@injectable()). Fix: decorate SmtpClient with @injectable(), or register it',
  ],
];

describe('Docket errors', () => {
  it.each(cases)('%p has its literal name, code and message', (error, name, code, message) => {
    expect(error).toBeInstanceOf(DocketError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(String(error)).toBe(`${name}: ${message}`);
    expect(error.stack).toContain(name);
  });

  it('keeps the cause only when one is given', () => {
    for (const [error] of cases) {
      if ('cause' in error) expect(error.cause).toBe(cause);
    }
    const withoutCause = new StorageError('boom');
    expect('cause' in withoutCause).toBe(false);
    expect(new JobNotFoundError('1')).not.toHaveProperty('cause');
  });

  it('carries the structured job fields', () => {
    const error = new JobTimeoutError(10, { jobId: 'j', jobType: 't', queue: 'q', attempt: 2 });
    expect(error).toMatchObject({
      jobId: 'j',
      jobType: 't',
      queue: 'q',
      attempt: 2,
      timeoutMs: 10,
    });
    expect(new DocketError('bare')).not.toHaveProperty('jobId');
  });

  it('exposes each subclass-specific field', () => {
    const validation = new JobValidationError(
      't',
      [{ path: 'a', constraints: { x: 'a is bad' } }],
      {
        jobId: '7',
      },
    );
    expect(validation.jobType).toBe('t');
    expect(validation.jobId).toBe('7');
    expect(validation.issues).toEqual([{ path: 'a', constraints: { x: 'a is bad' } }]);
    expect(Object.isFrozen(validation.issues)).toBe(true);

    expect(new DuplicateJobTypeError('t', 'A', 'B')).toMatchObject({
      jobType: 't',
      existingClassName: 'A',
      newClassName: 'B',
    });
    expect(new DuplicateHandlerError('t', 'A', 'B')).toMatchObject({
      jobType: 't',
      existingHandlerName: 'A',
      newHandlerName: 'B',
    });
    expect(new HandlerNotFoundError('t').jobType).toBe('t');
    const options = new InvalidOptionsError('bad', { option: 'server.pollIntervalMs', queue: 'q' });
    expect(options.option).toBe('server.pollIntervalMs');
    expect(options.queue).toBe('q');
    expect(new InvalidOptionsError('bad')).not.toHaveProperty('option');
    expect(new NonSerializablePayloadError('t', 'payload.a', 'nope')).toMatchObject({
      jobType: 't',
      path: 'payload.a',
      reason: 'nope',
    });
    expect(new PayloadTooLargeError('t', 2, 1)).toMatchObject({ sizeBytes: 2, limitBytes: 1 });
    expect(new JobNotFoundError('9').jobId).toBe('9');
    const timeout = new JobWaitTimeoutError({
      jobId: '9',
      awaitedStates: ['succeeded'],
      lastState: null,
      waitedMs: 5,
      timeoutMs: 4,
    });
    expect(timeout).toMatchObject({ jobId: '9', lastState: null, waitedMs: 5, timeoutMs: 4 });
    expect(Object.isFrozen(timeout.awaitedStates)).toBe(true);
    expect(timeout.message).toMatch(/last seen state: none \(no such job\)$/);
    expect(new InvalidCronExpressionError('e', 'r')).toMatchObject({
      expression: 'e',
      reason: 'r',
    });
  });

  it('lets callers branch on instanceof', () => {
    const reasons: unknown[] = [
      new JobTimeoutError(1),
      new LeaseLostError(),
      new JobDeletedError(),
    ];
    expect(reasons.map((reason) => reason instanceof JobTimeoutError)).toEqual([
      true,
      false,
      false,
    ]);
    expect(reasons.every((reason) => reason instanceof DocketError)).toBe(true);
  });
});
