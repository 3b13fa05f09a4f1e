import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { IsString } from 'class-validator';
import { Job, JobHandler, type Docket, type IJob, type IJobHandler } from '../../../src';
import { OpenTelemetryFilter, type OpenTelemetryFilterOptions } from '../../../src/opentelemetry';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

@Job('otel-it.work')
class WorkJob implements IJob {
  /** `ok`, `flaky` (fails its first attempt) or `broken` (always fails). */
  @IsString() mode!: string;
}

@Job('otel-it.other')
class OtherJob implements IJob {
  @IsString() name!: string;
}

/** The tracer the handlers create their own spans with (the test's provider's). */
let appTracer: api.Tracer = api.trace.getTracer('unset');

@JobHandler(WorkJob, { retries: 1, backoff: { baseMs: 0 } })
class WorkHandler implements IJobHandler<WorkJob> {
  async handle(job: WorkJob, context: { attempt: number }): Promise<void> {
    appTracer.startSpan('handler work', { attributes: { attempt: context.attempt } }).end();
    if (job.mode === 'broken' || (job.mode === 'flaky' && context.attempt === 1)) {
      throw new Error(`attempt ${context.attempt} of a ${job.mode} job failed`);
    }
  }
}

@JobHandler(OtherJob, { retries: 0 })
class OtherHandler implements IJobHandler<OtherJob> {
  async handle(): Promise<void> {}
}

const work = (mode: string) => Object.assign(new WorkJob(), { mode });
const other = (name: string) => Object.assign(new OtherJob(), { name });

/** A reader collected on demand (no export timer). */
class ManualReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/**
 * The OpenTelemetry filter against a running server: a trace from each enqueue to every
 * attempt, the handler's spans inside its attempt's, and the jobs' metrics.
 */
describe('the OpenTelemetry filter', () => {
  let db: TestDatabase;
  const dockets: Docket[] = [];
  const filters: OpenTelemetryFilter[] = [];
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager();

  async function open(options: OpenTelemetryFilterOptions = {}) {
    const filter = new OpenTelemetryFilter({ tracerProvider, ...options });
    filters.push(filter);
    const { docket } = await createTestDocket(db, {
      handlers: [WorkHandler, OtherHandler],
      filters: [filter],
      collectionPrefix: `otel${dockets.length}.`,
    });
    dockets.push(docket);
    await docket.startServer({ ...FAST_SERVER, queues: ['default', 'side'] });
    return docket;
  }

  /** Waits until the job has finished (succeeded or failed for good). */
  const finished = (docket: Docket, id: string) =>
    waitFor(
      async () => {
        const job = await docket.getJob(id);
        return job !== null && (job.state === 'succeeded' || job.state === 'failed');
      },
      { what: `job ${id} to finish` },
    );

  /** The ended spans once `count` of them match `accept`. */
  const spansWhen = (accept: (span: ReadableSpan) => boolean, count: number) =>
    waitFor(
      () => {
        const spans = exporter.getFinishedSpans().filter(accept);
        return spans.length >= count ? spans : undefined;
      },
      { what: `${count} spans` },
    );

  beforeAll(async () => {
    api.context.setGlobalContextManager(contextManager.enable());
    appTracer = tracerProvider.getTracer('app');
    db = await openTestDatabase('opentelemetry_filter');
  });

  beforeEach(() => exporter.reset());

  afterAll(async () => {
    filters.forEach((filter) => filter.close());
    for (const docket of dockets) await docket.close();
    await db.cleanup();
    await tracerProvider.shutdown();
    api.context.disable();
  });

  it('links the enqueue to every attempt, in the trace of the span active at enqueue', async () => {
    const docket = await open();
    const request = appTracer.startSpan('request');
    const id = await api.context.with(api.trace.setSpan(api.context.active(), request), () =>
      docket.scheduler.enqueue(work('flaky')),
    );
    request.end();
    await finished(docket, id);
    const consumers = await spansWhen((span) => span.kind === api.SpanKind.CONSUMER, 2);

    const job = await docket.getJob(id);
    expect(job?.state).toBe('succeeded');
    const producers = exporter.getFinishedSpans().filter((s) => s.kind === api.SpanKind.PRODUCER);
    expect(producers).toHaveLength(1);
    const [producer] = producers;
    const traceId = request.spanContext().traceId;
    expect(producer.name).toBe('enqueue default');
    expect(producer.spanContext().traceId).toBe(traceId);
    expect(producer.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(producer.attributes).toEqual({
      'messaging.system': 'docket',
      'messaging.operation.type': 'create',
      'messaging.operation.name': 'enqueue',
      'messaging.destination.name': 'default',
      'docket.job.type': 'otel-it.work',
    });
    // The trace context travelled in the job's metadata.
    expect(job?.metadata?.traceparent).toBe(`00-${traceId}-${producer.spanContext().spanId}-01`);

    const byAttempt = [...consumers].sort(
      (a, b) =>
        Number(a.attributes['docket.job.attempt']) - Number(b.attributes['docket.job.attempt']),
    );
    for (const [i, span] of byAttempt.entries()) {
      expect(span.name).toBe('process default');
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
      expect(span.links.map((link) => link.context.spanId)).toEqual([
        producer.spanContext().spanId,
      ]);
      expect(span.attributes).toMatchObject({
        'messaging.system': 'docket',
        'messaging.operation.type': 'process',
        'messaging.destination.name': 'default',
        'messaging.message.id': id,
        'docket.job.type': 'otel-it.work',
        'docket.job.attempt': i + 1,
        'docket.job.max_attempts': 2,
      });
    }
    const [failedAttempt, succeededAttempt] = byAttempt;
    expect(failedAttempt.status.code).toBe(api.SpanStatusCode.ERROR);
    expect(failedAttempt.status.message).toBe('attempt 1 of a flaky job failed');
    expect(failedAttempt.attributes['docket.attempt.outcome']).toBe('failed');
    expect(failedAttempt.attributes['error.type']).toBe('Error');
    const exception = failedAttempt.events.find((event) => event.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe('attempt 1 of a flaky job failed');
    expect(succeededAttempt.status.code).toBe(api.SpanStatusCode.UNSET);
    expect(succeededAttempt.attributes['docket.attempt.outcome']).toBe('succeeded');
    expect(succeededAttempt.events).toEqual([]);

    // Each of the handler's own spans is a child of its attempt's span.
    const handlerSpans = exporter.getFinishedSpans().filter((s) => s.name === 'handler work');
    expect(handlerSpans).toHaveLength(2);
    for (const span of handlerSpans) {
      const attempt = byAttempt[Number(span.attributes.attempt) - 1];
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.parentSpanContext?.spanId).toBe(attempt.spanContext().spanId);
    }
  });

  it("with attemptParent 'none', starts a trace per attempt, linked to the enqueue", async () => {
    const docket = await open({ attemptParent: 'none' });
    const id = await docket.scheduler.enqueue(work('ok'));
    await finished(docket, id);
    const [consumer] = await spansWhen((span) => span.kind === api.SpanKind.CONSUMER, 1);
    const producer = exporter.getFinishedSpans().find((s) => s.kind === api.SpanKind.PRODUCER)!;
    expect(producer.parentSpanContext).toBeUndefined();
    expect(consumer.parentSpanContext).toBeUndefined();
    expect(consumer.spanContext().traceId).not.toBe(producer.spanContext().traceId);
    expect(consumer.links.map((link) => link.context)).toEqual([
      expect.objectContaining({
        traceId: producer.spanContext().traceId,
        spanId: producer.spanContext().spanId,
      }),
    ]);
  });

  it('counts jobs and attempts, times attempts and queue waits, and reports queue depths', async () => {
    const reader = new ManualReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const docketRef: { current?: Docket } = {};
    const docket = await open({
      meterProvider,
      queueDepth: { listQueues: () => docketRef.current!.listQueues() },
    });
    docketRef.current = docket;
    const ids = [
      await docket.scheduler.enqueue(work('ok')),
      await docket.scheduler.enqueue(work('ok')),
      await docket.scheduler.enqueue(work('flaky')),
      await docket.scheduler.enqueue(work('broken')),
      await docket.scheduler.enqueue(other('x'), { queue: 'side' }),
    ];
    for (const id of ids) await finished(docket, id);
    // A job far ahead stays scheduled: the depth gauge sees it.
    await docket.scheduler.schedule(
      other('later'),
      { delayMs: 3_600_000 },
      {
        queue: 'side',
      },
    );
    // Counters follow state-change events: wait until the last ones are counted.
    const metrics = await waitFor(
      async () => {
        const { resourceMetrics } = await reader.collect();
        const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
        const failed = sumOf(all, 'docket.jobs.failed', 'otel-it.work');
        const succeeded = sumOf(all, 'docket.jobs.succeeded', 'otel-it.work');
        return failed === 1 && succeeded === 3 ? all : undefined;
      },
      { what: 'the final counts' },
    );
    const work_ = 'otel-it.work';
    expect({
      enqueued: sumOf(metrics, 'docket.jobs.enqueued', work_),
      started: sumOf(metrics, 'docket.jobs.started', work_),
      succeeded: sumOf(metrics, 'docket.jobs.succeeded', work_),
      retried: sumOf(metrics, 'docket.jobs.retried', work_),
      failed: sumOf(metrics, 'docket.jobs.failed', work_),
    }).toEqual({ enqueued: 4, started: 6, succeeded: 3, retried: 2, failed: 1 });
    expect({
      enqueued: sumOf(metrics, 'docket.jobs.enqueued', 'otel-it.other'),
      started: sumOf(metrics, 'docket.jobs.started', 'otel-it.other'),
      succeeded: sumOf(metrics, 'docket.jobs.succeeded', 'otel-it.other'),
    }).toEqual({ enqueued: 2, started: 1, succeeded: 1 });

    // One duration and one latency per attempt: ok ×2, flaky ×2 (1 failed), broken ×2 (failed).
    const durations = pointsOf<Histogram>(metrics, 'docket.attempt.duration');
    const count = (type: string, outcome?: string) =>
      durations
        .filter(
          (p) =>
            p.attributes['docket.job.type'] === type &&
            (outcome === undefined || p.attributes['docket.attempt.outcome'] === outcome),
        )
        .reduce((sum, p) => sum + p.value.count, 0);
    expect([count(work_, 'succeeded'), count(work_, 'failed'), count('otel-it.other')]).toEqual([
      3, 3, 1,
    ]);
    expect(metricOf(metrics, 'docket.attempt.duration').descriptor.unit).toBe('s');
    const latencies = pointsOf<Histogram>(metrics, 'docket.queue.latency');
    expect(
      latencies.map((p) => [
        p.attributes['messaging.destination.name'],
        p.attributes['docket.job.type'],
        p.value.count,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['default', work_, 6],
        ['side', 'otel-it.other', 1],
      ]),
    );
    for (const p of latencies) expect(p.value.min).toBeGreaterThanOrEqual(0);

    // No job ids in metric attributes: queues, types, outcomes and states only.
    const keys = new Set(
      metrics.flatMap((m) =>
        (m.dataPoints as DataPoint<unknown>[]).flatMap((p) => Object.keys(p.attributes)),
      ),
    );
    expect([...keys].sort()).toEqual([
      'docket.attempt.outcome',
      'docket.job.state',
      'docket.job.type',
      'messaging.destination.name',
    ]);

    const depth = metricOf(metrics, 'docket.queue.depth');
    expect(depth.dataPointType).toBe(DataPointType.GAUGE);
    const depthOf = (queue: string, state: string) =>
      (depth.dataPoints as DataPoint<number>[]).find(
        (p) =>
          p.attributes['messaging.destination.name'] === queue &&
          p.attributes['docket.job.state'] === state,
      )?.value;
    expect([
      depthOf('side', 'scheduled'),
      depthOf('side', 'enqueued'),
      depthOf('default', 'enqueued'),
    ]).toEqual([1, 0, 0]);
    await meterProvider.shutdown();
  });

  it('never fails a job for a telemetry failure, and reports it', async () => {
    const problems: string[] = [];
    const failingTracer: api.TracerProvider = {
      getTracer: () => ({
        startSpan: () => {
          throw new Error('tracer down');
        },
        startActiveSpan: () => {
          throw new Error('tracer down');
        },
      }),
    };
    const docket = await open({
      tracerProvider: failingTracer,
      queueDepth: {
        listQueues: () => Promise.reject(new Error('not used without a meter provider')),
      },
      onError: (error, what) => problems.push(`${what}: ${(error as Error).message}`),
    });
    const id = await docket.scheduler.enqueue(work('ok'));
    await finished(docket, id);
    expect((await docket.getJob(id))?.state).toBe('succeeded');
    expect(problems).toEqual([
      'recording the enqueue span failed: tracer down',
      'starting the attempt span failed: tracer down',
    ]);
  });

  it('leaves Docket as it was without the filter: no metadata, no spans', async () => {
    const { docket } = await createTestDocket(db, {
      handlers: [WorkHandler, OtherHandler],
      collectionPrefix: 'otel-none.',
    });
    dockets.push(docket);
    await docket.startServer(FAST_SERVER);
    const id = await docket.scheduler.enqueue(other('plain'));
    await finished(docket, id);
    const job = await docket.getJob(id);
    expect(job?.state).toBe('succeeded');
    expect(job?.metadata).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

function metricOf(metrics: MetricData[], name: string): MetricData {
  const metric = metrics.find((m) => m.descriptor.name === name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  return metric;
}

function pointsOf<T>(metrics: MetricData[], name: string): DataPoint<T>[] {
  return metricOf(metrics, name).dataPoints as DataPoint<T>[];
}

/** A counter's total for one job type (0 when it has no point yet). */
function sumOf(metrics: MetricData[], name: string, jobType: string): number {
  const metric = metrics.find((m) => m.descriptor.name === name);
  if (metric === undefined) return 0;
  return (metric.dataPoints as DataPoint<number>[])
    .filter((p) => p.attributes['docket.job.type'] === jobType)
    .reduce((sum, p) => sum + p.value, 0);
}
