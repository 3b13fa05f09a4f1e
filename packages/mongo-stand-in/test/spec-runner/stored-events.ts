import type { Document } from 'bson';
import type { EventSource } from './client-event-log';
import { eventTypeOfClassName } from './event-types';
import { SpecRunnerError } from './spec-runner.error';
import type { StoreEventsAsEntity } from './unified-test-file';

/** Fields of the driver's events copied into a stored event document, when they are set. */
const STORED_FIELDS = [
  'address',
  'connectionId',
  'commandName',
  'databaseName',
  'requestId',
  'duration',
  'reason',
  'serviceId',
] as const;

/**
 * `storeEventsAsEntities`: listens on `source` for the named events and appends each, as a
 * document (`name`, `observedAt` in seconds since the epoch, and its scalar fields; a
 * failure as its message; commands and replies left out, as the format allows), to the
 * list returned for `save`. Independent of `observeEvents`. Returns a function that stops
 * listening.
 */
export function storeEvents(
  source: EventSource,
  entity: StoreEventsAsEntity,
  save: (id: string, list: Document[]) => void,
): () => void {
  const list: Document[] = [];
  save(entity.id, list);
  const stops = entity.events.map((className) => {
    const type = eventTypeOfClassName(className);
    if (!type) {
      throw new SpecRunnerError(`storeEventsAsEntities "${entity.id}": unknown event ${className}`);
    }
    const listener = (event: Record<string, unknown>) => list.push(toDocument(className, event));
    source.on(type.driverEvent as never, listener as never);
    return () => source.off(type.driverEvent as never, listener as never);
  });
  return () => stops.forEach((stop) => stop());
}

function toDocument(name: string, event: Record<string, unknown>): Document {
  const document: Document = { name, observedAt: Date.now() / 1000 };
  for (const field of STORED_FIELDS) {
    if (event[field] !== undefined && event[field] !== null) document[field] = event[field];
  }
  if (event.failure !== undefined) {
    document.failure = event.failure instanceof Error ? event.failure.message : event.failure;
  }
  return document;
}
