/** The schema version's part of the OpenAPI document: its path, and the schemas it refers to. */

import { jsonResponse, operation } from './openapi-operation';
import { array, nullable, object, ref, str, time, type Schema } from './schema-builders';

const VERSION: Schema = { ...str, pattern: '^[0-9]+\\.[0-9]+$', description: 'major.minor' };

export const SCHEMA_STATUS_SCHEMAS: Record<string, Schema> = {
  SchemaStatus: object({
    databaseVersion: { ...VERSION, description: "The database's schema version (major.minor)" },
    codeVersion: { ...VERSION, description: "The version the dashboard's Docket writes" },
    applied: {
      ...array(
        object({
          version: VERSION,
          description: str,
          at: { ...time, description: "When the step completed (the database's clock)" },
          by: { ...str, description: 'The process that ran it' },
        }),
      ),
      description: 'Migration steps the database has run, oldest first',
    },
    pending: {
      ...array(object({ version: VERSION, description: str })),
      description: 'Steps it lacks to reach codeVersion, in order (empty when not older)',
    },
    migration: {
      ...nullable(
        object({
          owner: str,
          to: VERSION,
          expiresAt: {
            ...time,
            description: "When its lock lapses unless renewed (the database's clock)",
          },
        }),
      ),
      description: 'The migration under way (who holds the lock), or null',
    },
  }),
};

export function schemaStatusPaths(): Record<string, unknown> {
  return {
    '/api/schema': {
      get: operation(
        'getSchemaStatus',
        "The database's schema version against the dashboard's code: the migration steps it has run, those it lacks, and a migration under way",
        { '200': jsonResponse('Schema status', ref('SchemaStatus')) },
      ),
    },
  };
}
