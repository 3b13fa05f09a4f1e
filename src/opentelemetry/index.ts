/**
 * Docket's OpenTelemetry entry point (`docket/opentelemetry`): a job filter that records
 * traces and metrics. Needs the optional peer dependency `@opentelemetry/api`.
 * @module docket/opentelemetry
 */
export { OpenTelemetryFilter } from './opentelemetry-filter';
export type { OpenTelemetryFilterOptions, QueueDepthSource } from './opentelemetry-filter-options';
export { MissingPeerDependencyError } from '../errors/missing-peer-dependency.error';
