import * as api from '@opentelemetry/api';
import type { JobMetadata } from '../../../src/filters/docket-filter';
import {
  metadataGetter,
  metadataSetter,
  w3cTraceContext,
} from '../../../src/opentelemetry/trace-context-carrier';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

/** A context whose active span is a remote one with these ids. */
const withSpan = (traceFlags: number, traceState?: string) =>
  api.trace.setSpanContext(api.ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags,
    traceState: traceState === undefined ? undefined : api.createTraceState(traceState),
  });

/** The trace context in a job's metadata: W3C fields, within the metadata's limits. */
describe('the trace context carrier', () => {
  const propagator = w3cTraceContext(api);

  it('writes traceparent and tracestate, and reads them back as a remote parent', () => {
    const metadata: JobMetadata = {};
    const problems: string[] = [];
    propagator.inject(
      withSpan(1, 'vendor=abc'),
      metadata,
      metadataSetter((p) => problems.push(p)),
    );
    expect(metadata).toEqual({
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`,
      tracestate: 'vendor=abc',
    });
    const extracted = api.trace.getSpanContext(
      propagator.extract(api.ROOT_CONTEXT, metadata, metadataGetter),
    );
    expect(extracted).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: 1,
      isRemote: true,
    });
    expect(extracted?.traceState?.get('vendor')).toBe('abc');
    expect(problems).toEqual([]);
  });

  it('writes nothing without a valid span, and reads nothing from a malformed traceparent', () => {
    const metadata: JobMetadata = {};
    propagator.inject(
      api.ROOT_CONTEXT,
      metadata,
      metadataSetter(() => {}),
    );
    expect(metadata).toEqual({});
    for (const traceparent of [
      'garbage',
      `ff-${TRACE_ID}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${SPAN_ID}-01-extra`,
      `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
    ]) {
      const context = propagator.extract(api.ROOT_CONTEXT, { traceparent }, metadataGetter);
      expect(api.trace.getSpanContext(context)).toBeUndefined();
    }
  });

  it('leaves out, and reports, what the metadata cannot hold instead of failing the enqueue', () => {
    const metadata: JobMetadata = Object.fromEntries(
      Array.from({ length: 31 }, (_, i) => [`k${i}`, 'v']),
    );
    const problems: string[] = [];
    const setter = metadataSetter((problem) => problems.push(problem));
    setter.set(metadata, 'bad key!', 'x');
    setter.set(metadata, 'baggage', 'x'.repeat(2_000));
    setter.set(metadata, 'traceparent', 'fits');
    setter.set(metadata, 'tracestate', 'one too many');
    expect(metadata.traceparent).toBe('fits');
    expect(Object.keys(metadata)).toHaveLength(32);
    expect(problems).toEqual([
      expect.stringContaining("'bad key!' is not a valid metadata key"),
      expect.stringContaining("'baggage' has 2000 characters"),
      expect.stringContaining("'tracestate' would be one metadata entry too many"),
    ]);
  });
});
