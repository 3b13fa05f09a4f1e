import type { MeterProvider, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import { InvalidOptionsError } from '../errors';
import { checkKnownKeys, checkOneOf, checkPlainObject, describeValue } from '../options';
import type { QueueInfo } from '../storage/queue-info';

/** Where the queue depth gauge reads queue lengths: a `Docket`, or anything with its `listQueues`. */
export interface QueueDepthSource {
  /** The queues with their unfinished jobs counted by state. */
  listQueues(): Promise<readonly QueueInfo[]>;
}

/** Options of {@link OpenTelemetryFilter}. */
export interface OpenTelemetryFilterOptions {
  /**
   * Where the spans go.
   * @defaultValue the global tracer provider (`trace.getTracerProvider()`), as the
   * OpenTelemetry SDK registers it
   */
  readonly tracerProvider?: TracerProvider;
  /**
   * Where the metrics go.
   * @defaultValue the global meter provider (`metrics.getMeterProvider()`), read when the
   * filter is constructed: start the SDK first (the global tracer provider forwards to an SDK
   * registered later; the meter provider does not)
   */
  readonly meterProvider?: MeterProvider;
  /**
   * How the trace context travels in a job's metadata, from the enqueuing process to the
   * servers that run it.
   * @defaultValue the global propagator when the application configured one (the Node SDK
   * configures W3C Trace Context and Baggage), otherwise W3C Trace Context
   * (`traceparent`, `tracestate`)
   */
  readonly propagator?: TextMapPropagator;
  /**
   * What the span of an attempt descends from. `'producer'`: it is a child of the span that
   * recorded the enqueue, so every attempt sits in the trace of the request that enqueued the
   * job (and links to that span as well). `'none'`: each attempt starts a trace of its own,
   * linked to the enqueue's span; for jobs scheduled far ahead or recurring, whose traces
   * would otherwise span days.
   * @defaultValue 'producer'
   */
  readonly attemptParent?: 'producer' | 'none';
  /**
   * Reports queue depths as the gauge `docket.queue.depth`: pass the `Docket` (or any
   * `listQueues()`). Each collection of the metrics costs one aggregation query on the jobs
   * collection, so keep the export interval at tens of seconds; one process per deployment
   * is enough to report it.
   * @defaultValue no queue depth gauge
   */
  readonly queueDepth?: QueueDepthSource;
  /**
   * Where telemetry problems go (a tracer that throws, a queue depth query that fails).
   * They never fail a job or an enqueue.
   * @defaultValue logs them with OpenTelemetry's `diag` logger, at warning level
   */
  readonly onError?: (error: unknown, what: string) => void;
  /**
   * Where the filter runs among the filters (lower first, outermost around the handler).
   * @defaultValue -1000, so that other filters' work is inside the attempt's span
   */
  readonly order?: number;
  /**
   * The job types it records.
   * @defaultValue all
   */
  readonly jobTypes?: readonly string[];
}

/** The options with their defaults, once checked. */
export interface ResolvedOpenTelemetryFilterOptions {
  readonly tracerProvider: TracerProvider | undefined;
  readonly meterProvider: MeterProvider | undefined;
  readonly propagator: TextMapPropagator | undefined;
  readonly attemptParent: 'producer' | 'none';
  readonly queueDepth: QueueDepthSource | undefined;
  readonly onError: ((error: unknown, what: string) => void) | undefined;
  readonly order: number;
  readonly jobTypes: readonly string[] | undefined;
}

const DEFAULTS = {
  attemptParent: 'producer',
  order: -1000,
} as const satisfies Partial<OpenTelemetryFilterOptions>;

const KEYS = [
  'tracerProvider',
  'meterProvider',
  'propagator',
  'attemptParent',
  'queueDepth',
  'onError',
  'order',
  'jobTypes',
] as const satisfies readonly (keyof OpenTelemetryFilterOptions)[];

/** Methods each object option must have. */
const METHODS = {
  tracerProvider: ['getTracer'],
  meterProvider: ['getMeter'],
  propagator: ['inject', 'extract', 'fields'],
  queueDepth: ['listQueues'],
} as const;

/**
 * Checks the options and fills in the defaults (the providers and the propagator are left
 * undefined when not given: the filter reads the global ones).
 * @throws InvalidOptionsError - an option has the wrong shape.
 */
export function resolveOpenTelemetryFilterOptions(
  options: OpenTelemetryFilterOptions = {},
): ResolvedOpenTelemetryFilterOptions {
  checkPlainObject('options', options);
  checkKnownKeys('', options, KEYS);
  for (const [option, methods] of Object.entries(METHODS)) {
    const value = (options as Record<string, unknown>)[option];
    if (value === undefined) continue;
    const missing = methods.find(
      (method) =>
        typeof value !== 'object' ||
        value === null ||
        typeof (value as Record<string, unknown>)[method] !== 'function',
    );
    if (missing !== undefined) {
      throw new InvalidOptionsError(
        `${option} must be an object with a ${missing}() method, got ${describeValue(value)}`,
        { option },
      );
    }
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new InvalidOptionsError(
      `onError must be a function, got ${describeValue(options.onError)}`,
      { option: 'onError' },
    );
  }
  if (options.order !== undefined && !Number.isFinite(options.order)) {
    throw new InvalidOptionsError(
      `order must be a finite number, got ${describeValue(options.order)}`,
      { option: 'order' },
    );
  }
  const types = options.jobTypes;
  if (
    types !== undefined &&
    (!Array.isArray(types) || types.some((type) => typeof type !== 'string'))
  ) {
    throw new InvalidOptionsError(
      `jobTypes must be an array of job type names, got ${describeValue(types)}`,
      { option: 'jobTypes' },
    );
  }
  return Object.freeze({
    tracerProvider: options.tracerProvider,
    meterProvider: options.meterProvider,
    propagator: options.propagator,
    attemptParent:
      options.attemptParent === undefined
        ? DEFAULTS.attemptParent
        : checkOneOf('attemptParent', options.attemptParent, ['producer', 'none'] as const),
    queueDepth: options.queueDepth,
    onError: options.onError,
    order: options.order ?? DEFAULTS.order,
    jobTypes: types === undefined ? undefined : Object.freeze([...types]),
  });
}
