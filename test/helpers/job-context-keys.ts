/**
 * A handler's `JobContext` own properties, in order, inline or isolated: the parts made when
 * first used (`logger`, `checkpoint`, `artefacts`) are getters of its class, not its own.
 */
export const JOB_CONTEXT_KEYS = [
  'signal',
  'jobId',
  'jobType',
  'queue',
  'attempt',
  'maxAttempts',
  'parentResult',
  'progress',
  'transaction',
  'saveCheckpoint',
  'snooze',
];
