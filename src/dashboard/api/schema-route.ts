import type { SchemaStatus } from '../../schema/schema-status';
import type { ApiSchemaStatus } from '../api-schema-types';
import { ok, type ApiRoute } from './api-route';

/** A schema status as the API's JSON: times as ISO strings. */
export function toApiSchemaStatus(status: SchemaStatus): ApiSchemaStatus {
  return {
    ...status,
    applied: status.applied.map((step) => ({ ...step, at: step.at.toISOString() })),
    pending: [...status.pending],
    migration: status.migration && {
      ...status.migration,
      expiresAt: status.migration.expiresAt.toISOString(),
    },
  };
}

/** `GET api/schema`: the database's schema version, its migrations, and one under way. */
export const SCHEMA_ROUTE: ApiRoute = {
  method: 'GET',
  path: 'api/schema',
  operationId: 'getSchemaStatus',
  async handle(context) {
    return ok(toApiSchemaStatus(await context.docket.getSchemaStatus()));
  },
};
