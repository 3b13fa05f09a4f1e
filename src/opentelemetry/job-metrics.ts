import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  ObservableCallback,
  ObservableGauge,
} from '@opentelemetry/api';
import type { JobStateChange } from '../filters/docket-filter';
import { UNFINISHED_STATES } from '../storage/job-record';
import type { QueueDepthSource } from './opentelemetry-filter-options';
import type { OpenTelemetryApi } from './opentelemetry-api';
import { ATTR, METRIC, SECONDS_BUCKETS } from './telemetry-names';

/** An attempt's outcome as the duration histogram and the span record it. */
export type AttemptOutcome = 'succeeded' | 'failed';

/** Attributes of every job metric: bounded (queues and types, never ids). */
const jobAttributes = (change: { queue: string; jobType: string }): Attributes => ({
  [ATTR.destination]: change.queue,
  [ATTR.jobType]: change.jobType,
});

/**
 * Docket's instruments on one meter: counters fed by state changes, the attempt duration and
 * queue latency histograms fed by attempts, and the optional queue depth gauge.
 */
export class JobMetrics {
  private readonly counters: Partial<Record<JobStateChange['state'], Counter>>;
  private readonly attemptDuration: Histogram;
  private readonly queueLatency: Histogram;
  private readonly depth: { gauge: ObservableGauge; callback: ObservableCallback } | undefined;

  constructor(
    api: OpenTelemetryApi,
    meter: Meter,
    queueDepth: QueueDepthSource | undefined,
    report: (error: unknown, what: string) => void,
  ) {
    const counter = (metric: (typeof METRIC)[keyof typeof METRIC]) =>
      meter.createCounter(metric.name, {
        unit: metric.unit,
        description: metric.description,
        valueType: api.ValueType.INT,
      });
    this.counters = {
      enqueued: counter(METRIC.enqueued),
      processing: counter(METRIC.started),
      succeeded: counter(METRIC.succeeded),
      retrying: counter(METRIC.retried),
      failed: counter(METRIC.failed),
    };
    const seconds = (metric: typeof METRIC.attemptDuration | typeof METRIC.queueLatency) =>
      meter.createHistogram(metric.name, {
        unit: metric.unit,
        description: metric.description,
        valueType: api.ValueType.DOUBLE,
        advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
      });
    this.attemptDuration = seconds(METRIC.attemptDuration);
    this.queueLatency = seconds(METRIC.queueLatency);
    if (queueDepth !== undefined) {
      const gauge = meter.createObservableGauge(METRIC.queueDepth.name, {
        unit: METRIC.queueDepth.unit,
        description: METRIC.queueDepth.description,
        valueType: api.ValueType.INT,
      });
      const callback: ObservableCallback = async (result) => {
        try {
          for (const queue of await queueDepth.listQueues()) {
            // Every unfinished state, zeros included: a drained queue reads 0, not its last value.
            for (const state of UNFINISHED_STATES) {
              result.observe(queue.counts[state] ?? 0, {
                [ATTR.destination]: queue.name,
                [ATTR.state]: state,
              });
            }
          }
        } catch (error) {
          report(error, 'reading the queue depths failed');
        }
      };
      gauge.addCallback(callback);
      this.depth = { gauge, callback };
    }
  }

  /** Counts a job entering a state (those without a counter, as `deleted`, are not counted). */
  stateChanged(change: JobStateChange): void {
    this.counters[change.state]?.add(1, jobAttributes(change));
  }

  /** Records how long an attempt waited in its queue, in seconds (0 when claimed early). */
  attemptStarted(attempt: { queue: string; jobType: string; dueAt: Date; startedAt: Date }): void {
    const waited = Math.max(0, attempt.startedAt.getTime() - attempt.dueAt.getTime()) / 1000;
    this.queueLatency.record(waited, jobAttributes(attempt));
  }

  /** Records how long an attempt ran, in seconds, with its outcome. */
  attemptEnded(
    attempt: { queue: string; jobType: string },
    seconds: number,
    outcome: AttemptOutcome,
  ): void {
    this.attemptDuration.record(seconds, { ...jobAttributes(attempt), [ATTR.outcome]: outcome });
  }

  /** Stops reporting queue depths. */
  close(): void {
    this.depth?.gauge.removeCallback(this.depth.callback);
  }
}
