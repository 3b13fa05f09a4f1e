export {
  checkCronExpression,
  checkTimeZone,
  latestOccurrence,
  nextOccurrence,
  occurrencesAfter,
  type CronSchedule,
} from './cron-schedule';
export { MongoRecurringStore, RECURRING_INDEXES } from './mongo-recurring-store';
export {
  occurrenceJobId,
  overlapKeyOf,
  planOccurrence,
  type DueDefinition,
  type OccurrencePlan,
} from './occurrence-plan';
export { RecurringJobs, type RecurringJobsDeps } from './recurring-jobs';
export {
  MAX_BACKFILL,
  MAX_REPEAT_LIMIT,
  OVERLAP_POLICIES,
  MISSED_RUN_POLICIES,
  RECURRING_DEFAULTS,
  TICKER_DEFAULTS,
  checkRecurringId,
  missedRunTolerance,
  resolveRecurringOptions,
  resolveTickerOptions,
  type MissedRunPolicy,
  type OverlapPolicy,
  type RecurringOptions,
  type RecurringTickerOptions,
  type ResolvedRecurringOptions,
  type ResolvedRecurringTickerOptions,
} from './recurring-options';
export {
  toRecurringJobInfo,
  type RecurringJobInfo,
  type RecurringRecord,
} from './recurring-record';
export { MongoRecurringTicker, type RecurringTicker } from './recurring-ticker';
export {
  Recurring,
  decoratedRecurringClasses,
  recurringDeclarationsOf,
  type RecurringClass,
  type RecurringDeclaration,
  type RecurringDeclarationOptions,
} from './recurring.decorator';
export {
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  countRuns,
  latestRun,
  nextRun,
  type RecurringInterval,
  type RecurringSchedule,
  type ScheduleShape,
} from './schedule-shape';
export { checkRecurringSchedule } from './schedule-check';
