import type { SchemaStep } from './schema-step';
import { compareSchemaVersions, type SchemaVersion } from './schema-version';
import { RECURRING_SHAPE_FIELDS_STEP } from './steps/recurring-shape-fields.step';

/**
 * Every migration step, oldest first; the last one ends at `SCHEMA_VERSION`. A step is never
 * edited once released (databases have run it): a change is a new step.
 */
export const SCHEMA_STEPS: readonly SchemaStep[] = [RECURRING_SHAPE_FIELDS_STEP];

/** The steps a database at `from` needs to reach `to`, in order. */
export function stepsBetween(
  steps: readonly SchemaStep[],
  from: SchemaVersion,
  to: SchemaVersion,
): SchemaStep[] {
  return steps.filter(
    (step) => compareSchemaVersions(step.to, from) > 0 && compareSchemaVersions(step.to, to) <= 0,
  );
}
