import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import type { JobMetadata } from '../filters/docket-filter';
import { MAX_METADATA_ENTRIES, MAX_METADATA_VALUE, METADATA_KEY } from '../filters/job-filters';
import type { OpenTelemetryApi } from './opentelemetry-api';

/**
 * Writes a propagator's fields into a job's metadata. A field the metadata cannot hold (a
 * key outside its alphabet, a value over its size, one entry too many: a large baggage, a
 * vendor's header) is left out and reported, since storing it would fail the enqueue.
 */
export function metadataSetter(report: (problem: string) => void): TextMapSetter<JobMetadata> {
  return {
    set(metadata, key, value) {
      const isNew = !Object.prototype.hasOwnProperty.call(metadata, key);
      if (!METADATA_KEY.test(key)) {
        report(`the trace context field '${key.slice(0, 80)}' is not a valid metadata key`);
      } else if (value.length > MAX_METADATA_VALUE) {
        report(
          `the trace context field '${key}' has ${value.length} characters, over the metadata's ${MAX_METADATA_VALUE}`,
        );
      } else if (isNew && Object.keys(metadata).length >= MAX_METADATA_ENTRIES) {
        report(`the trace context field '${key}' would be one metadata entry too many`);
      } else {
        metadata[key] = value;
      }
    },
  };
}

/** Reads a propagator's fields from a job's metadata. */
export const metadataGetter: TextMapGetter<Readonly<JobMetadata>> = {
  keys: (metadata) => Object.keys(metadata),
  get: (metadata, key) =>
    Object.prototype.hasOwnProperty.call(metadata, key) ? metadata[key] : undefined,
};

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * W3C Trace Context (`traceparent`, `tracestate`), for when the application configured no
 * propagator: the API's default one is a no-op, and a job's attempts would lose their trace.
 * The SDK's `W3CTraceContextPropagator` does the same; the API alone does not ship one.
 */
export function w3cTraceContext(api: OpenTelemetryApi): TextMapPropagator {
  return {
    inject(context: Context, carrier: unknown, setter: TextMapSetter) {
      const span = api.trace.getSpanContext(context);
      if (span === undefined || !api.isSpanContextValid(span)) return;
      const flags = (span.traceFlags & api.TraceFlags.SAMPLED).toString(16).padStart(2, '0');
      setter.set(carrier, TRACEPARENT, `00-${span.traceId}-${span.spanId}-${flags}`);
      const state = span.traceState?.serialize();
      if (state) setter.set(carrier, TRACESTATE, state);
    },
    extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
      const parent = single(getter.get(carrier, TRACEPARENT));
      const match = parent === undefined ? null : TRACEPARENT_FORMAT.exec(parent.trim());
      // Version ff is invalid; version 00 has exactly four fields.
      if (match === null || match[1] === 'ff' || (match[1] === '00' && match[5])) return context;
      const state = single(getter.get(carrier, TRACESTATE));
      const span = {
        traceId: match[2],
        spanId: match[3],
        traceFlags: parseInt(match[4], 16) & api.TraceFlags.SAMPLED,
        isRemote: true,
        traceState: state ? api.createTraceState(state) : undefined,
      };
      return api.isSpanContextValid(span) ? api.trace.setSpanContext(context, span) : context;
    },
    fields: () => [TRACEPARENT, TRACESTATE],
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
