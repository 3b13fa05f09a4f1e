import type {
  Attributes,
  Context,
  Span,
  TextMapPropagator,
  TextMapSetter,
  Tracer,
} from '@opentelemetry/api';
import type {
  DocketFilter,
  EnqueueFilterContext,
  ExecutionFilterContext,
  JobMetadata,
  JobStateChange,
} from '../filters/docket-filter';
import { JobMetrics, type AttemptOutcome } from './job-metrics';
import { loadOpenTelemetryApi, type OpenTelemetryApi } from './opentelemetry-api';
import {
  resolveOpenTelemetryFilterOptions,
  type OpenTelemetryFilterOptions,
  type ResolvedOpenTelemetryFilterOptions,
} from './opentelemetry-filter-options';
import { ATTR, INSTRUMENTATION_SCOPE, MESSAGING_SYSTEM } from './telemetry-names';
import { metadataGetter, metadataSetter, w3cTraceContext } from './trace-context-carrier';

/** An attempt being recorded: its span, the context the handler runs in, when it began. */
interface RecordedAttempt {
  readonly span: Span;
  readonly context: Context;
  readonly startedAt: number;
}

/**
 * A job filter that records Docket's work with OpenTelemetry: traces from each enqueue to
 * every attempt of the job, and metrics on jobs, attempts and queues. Register it as any
 * filter (`DocketOptions.filters`), after the OpenTelemetry SDK has started.
 *
 * **Spans.** At enqueue, a `PRODUCER` span `<source> <queue>` (`enqueue emails`,
 * `schedule emails`), child of the active span, whose context is stored in the job's metadata
 * (`traceparent`, `tracestate`). The job's id is assigned by the insert that follows the
 * filters, so this span has no `messaging.message.id`; the attempts' spans carry it. Per
 * attempt, on the server, a `CONSUMER` span `process <queue>` linked to the enqueue's span
 * and, by default, its child (see {@link OpenTelemetryFilterOptions.attemptParent}); the
 * handler runs within it, so its own spans are its children (not for isolated handlers,
 * which run in another thread or process). A failed attempt's span records the exception
 * and has status ERROR.
 *
 * **Metrics.** Counters `docket.jobs.enqueued`, `docket.jobs.started`,
 * `docket.jobs.succeeded`, `docket.jobs.retried`, `docket.jobs.failed` (what this process
 * saw), histograms `docket.attempt.duration` and `docket.queue.latency` (seconds), and, with
 * {@link OpenTelemetryFilterOptions.queueDepth}, the gauge `docket.queue.depth`; attributes
 * `messaging.destination.name` (the queue) and `docket.job.type`.
 *
 * A telemetry failure never fails a job or an enqueue: it goes to `onError`.
 *
 * @throws MissingPeerDependencyError - (constructor) `@opentelemetry/api` is not installed.
 * @throws InvalidOptionsError - (constructor) an option has the wrong shape.
 */
export class OpenTelemetryFilter implements DocketFilter {
  /** Names the filter in errors and logs. */
  readonly name = 'OpenTelemetryFilter';
  /** Where it runs among the filters (see {@link OpenTelemetryFilterOptions.order}). */
  readonly order: number;
  /** The job types it records (undefined: all). */
  readonly jobTypes: readonly string[] | undefined;

  private readonly api: OpenTelemetryApi;
  private readonly options: ResolvedOpenTelemetryFilterOptions;
  private readonly tracer: Tracer;
  private readonly metrics: JobMetrics | undefined;
  private readonly fallbackPropagator: TextMapPropagator;
  private readonly setter: TextMapSetter<JobMetadata>;

  constructor(options: OpenTelemetryFilterOptions = {}) {
    this.api = loadOpenTelemetryApi();
    this.options = resolveOpenTelemetryFilterOptions(options);
    this.order = this.options.order;
    this.jobTypes = this.options.jobTypes;
    const { api } = this;
    this.tracer = (this.options.tracerProvider ?? api.trace.getTracerProvider()).getTracer(
      INSTRUMENTATION_SCOPE,
    );
    this.fallbackPropagator = w3cTraceContext(api);
    this.setter = metadataSetter((problem) => this.report(new Error(problem), problem));
    this.metrics = this.guard('creating the metric instruments failed', () => {
      const meter = (this.options.meterProvider ?? api.metrics.getMeterProvider()).getMeter(
        INSTRUMENTATION_SCOPE,
      );
      return new JobMetrics(api, meter, this.options.queueDepth, (error, what) =>
        this.report(error, what),
      );
    });
  }

  /** Records the enqueue's span and stores its context in the job's metadata. */
  onEnqueue(job: EnqueueFilterContext): void {
    this.guard('recording the enqueue span failed', () => {
      const { api } = this;
      const active = api.context.active();
      const attributes: Attributes = {
        [ATTR.messagingSystem]: MESSAGING_SYSTEM,
        [ATTR.operationType]: 'create',
        [ATTR.operationName]: job.source,
        [ATTR.destination]: job.queue,
        [ATTR.jobType]: job.jobType,
      };
      if (job.recurringId !== undefined) attributes[ATTR.recurringId] = job.recurringId;
      const span = this.tracer.startSpan(
        `${job.source} ${job.queue}`,
        { kind: api.SpanKind.PRODUCER, attributes },
        active,
      );
      try {
        this.propagator().inject(api.trace.setSpan(active, span), job.metadata, this.setter);
      } finally {
        span.end();
      }
    });
  }

  /** Runs the attempt within its span, and records its outcome and duration. */
  async onExecute(attempt: ExecutionFilterContext, next: () => Promise<unknown>): Promise<unknown> {
    const recorded = this.guard('starting the attempt span failed', () => this.start(attempt));
    if (recorded === undefined) return next();
    let ran = false;
    let pending: Promise<unknown>;
    try {
      pending = this.api.context.with(recorded.context, () => {
        ran = true;
        return next();
      });
    } catch (error) {
      // The context manager failed: run the handler anyway, outside the span's context.
      this.report(error, 'entering the attempt span failed');
      if (ran) throw error;
      pending = next();
    }
    let result: unknown;
    try {
      result = await pending;
    } catch (error) {
      this.guard('ending the attempt span failed', () =>
        this.end(attempt, recorded, 'failed', error),
      );
      throw error;
    }
    this.guard('ending the attempt span failed', () => this.end(attempt, recorded, 'succeeded'));
    return result;
  }

  /** Counts the state changes this process saw. */
  onStateChanged(change: JobStateChange): void {
    this.guard('recording a state change failed', () => this.metrics?.stateChanged(change));
  }

  /**
   * Stops reporting queue depths (the gauge's callback queries the `queueDepth` source, which
   * may be closing). Spans and counters need no closing.
   */
  close(): void {
    this.guard('closing the metrics failed', () => this.metrics?.close());
  }

  private start(attempt: ExecutionFilterContext): RecordedAttempt {
    const { api } = this;
    // From the root: whatever context the server's loop happens to carry (the span active
    // when `startServer` was called) is not the job's.
    const extracted = this.propagator().extract(api.ROOT_CONTEXT, attempt.metadata, metadataGetter);
    const producer = api.trace.getSpanContext(extracted);
    const parent =
      this.options.attemptParent === 'producer' ? extracted : api.trace.deleteSpan(extracted);
    const span = this.tracer.startSpan(
      `process ${attempt.queue}`,
      {
        kind: api.SpanKind.CONSUMER,
        links: producer !== undefined ? [{ context: producer }] : [],
        attributes: {
          [ATTR.messagingSystem]: MESSAGING_SYSTEM,
          [ATTR.operationType]: 'process',
          [ATTR.operationName]: 'process',
          [ATTR.destination]: attempt.queue,
          [ATTR.messageId]: attempt.jobId,
          [ATTR.jobType]: attempt.jobType,
          [ATTR.attempt]: attempt.attempt,
          [ATTR.maxAttempts]: attempt.maxAttempts,
        },
      },
      parent,
    );
    this.metrics?.attemptStarted(attempt);
    return { span, context: api.trace.setSpan(parent, span), startedAt: performance.now() };
  }

  private end(
    attempt: ExecutionFilterContext,
    { span, startedAt }: RecordedAttempt,
    outcome: AttemptOutcome,
    error?: unknown,
  ): void {
    const seconds = (performance.now() - startedAt) / 1000;
    try {
      span.setAttribute(ATTR.outcome, outcome);
      if (outcome === 'failed') {
        const exception = error instanceof Error ? error : String(error);
        span.recordException(exception);
        span.setAttribute(ATTR.errorType, error instanceof Error ? error.name : typeof error);
        span.setStatus({
          code: this.api.SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    } finally {
      span.end();
      this.metrics?.attemptEnded(attempt, seconds, outcome);
    }
  }

  /** The configured propagator, else the global one if the application set one, else W3C. */
  private propagator(): TextMapPropagator {
    if (this.options.propagator !== undefined) return this.options.propagator;
    // The API's default propagator is a no-op with no fields.
    return this.api.propagation.fields().length > 0
      ? this.api.propagation
      : this.fallbackPropagator;
  }

  /** Runs telemetry work; what it throws is reported, never passed on to Docket. */
  private guard<T>(what: string, work: () => T): T | undefined {
    try {
      return work();
    } catch (error) {
      this.report(error, what);
      return undefined;
    }
  }

  private report(error: unknown, what: string): void {
    try {
      if (this.options.onError !== undefined) this.options.onError(error, what);
      else this.api.diag.warn(`docket: ${what}`, error);
    } catch {
      // A failing error reporter has nowhere left to report to.
    }
  }
}
