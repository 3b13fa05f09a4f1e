export {
  SCHEMA_VERSION,
  UNRECORDED_SCHEMA_VERSION,
  compareSchemaVersions,
  formatSchemaVersion,
  type SchemaVersion,
} from './schema-version';
export {
  ON_OLDER_SCHEMA,
  SCHEMA_DEFAULTS,
  resolveSchemaOptions,
  type OnOlderSchema,
  type ResolvedSchemaOptions,
  type SchemaOptions,
} from './schema-options';
export {
  openSchema,
  refuseNewerSchema,
  describeStep,
  type SchemaOpened,
  type SchemaOpening,
} from './open-schema';
export { SCHEMA_STEPS, stepsBetween } from './schema-steps';
export type { SchemaStep, SchemaStepContext } from './schema-step';
export {
  readSchemaStatus,
  type AppliedSchemaStep,
  type PendingSchemaStep,
  type SchemaMigration,
  type SchemaStatus,
} from './schema-status';
