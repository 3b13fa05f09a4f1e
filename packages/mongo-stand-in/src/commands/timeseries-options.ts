import type { Document } from 'bson';
import { CommandFailure } from '../command-types';
import { bsonTypeOf, isPlainDocument } from '../engine/bson-value';
import { DateClass } from '../engine/intrinsics';
import { ownField } from '../engine/own-fields';

/*
 * Time-series collections, as far as an application's tests need them: created with
 * `timeseries: { timeField, metaField?, granularity? }`, listed with `type: 'timeseries'`
 * and the options mongod 7.0 lists, and refusing an insert without a date in the time
 * field. Documents are stored as in any collection (mongod stores them in buckets), so
 * queries, sorts and aggregations read them as usual.
 */

/** How long a bucket spans for each granularity, which mongod lists with the options. */
const BUCKET_MAX_SPAN_SECONDS: Readonly<Record<string, number>> = {
  seconds: 3_600,
  minutes: 86_400,
  hours: 2_592_000,
};

const badValue = (message: string): CommandFailure => new CommandFailure(2, 'BadValue', message);

/** The `timeseries` option of `create`, checked and completed as mongod stores it. */
export function parseTimeseriesOptions(raw: unknown): Document {
  if (!isPlainDocument(raw)) {
    throw new CommandFailure(
      14,
      'TypeMismatch',
      `BSON field 'create.timeseries' is the wrong type '${bsonTypeOf(raw)}', expected type 'object'`,
    );
  }
  for (const key of Object.keys(raw)) {
    if (!['timeField', 'metaField', 'granularity', 'bucketMaxSpanSeconds'].includes(key)) {
      throw new CommandFailure(
        40415,
        'Location40415',
        `BSON field 'TimeseriesOptions.${key}' is an unknown field.`,
      );
    }
  }
  const { timeField, metaField } = raw;
  if (typeof timeField !== 'string') {
    throw new CommandFailure(
      40414,
      'Location40414',
      "BSON field 'TimeseriesOptions.timeField' is missing but a required field",
    );
  }
  if (metaField !== undefined && typeof metaField !== 'string') {
    throw badValue("BSON field 'TimeseriesOptions.metaField' must be a string");
  }
  if (metaField === timeField) {
    throw new CommandFailure(
      72,
      'InvalidOptions',
      "The 'metaField' field cannot be the same as the 'timeField' field",
    );
  }
  const granularity = raw.granularity ?? 'seconds';
  if (typeof granularity !== 'string' || !(granularity in BUCKET_MAX_SPAN_SECONDS)) {
    throw badValue(
      `Enumeration value '${String(granularity)}' for field 'TimeseriesOptions.granularity' is not a valid value.`,
    );
  }
  return {
    timeField,
    ...(metaField === undefined ? {} : { metaField }),
    granularity,
    bucketMaxSpanSeconds: BUCKET_MAX_SPAN_SECONDS[granularity],
  };
}

/**
 * Refuses a document to insert into a time-series collection without a date in its time
 * field, as mongod does.
 * @throws CommandFailure 2 BadValue.
 */
export function checkTimeseriesDocument(document: Document, timeseries: Document): void {
  const timeField = String(timeseries.timeField);
  if (!(ownField(document, timeField) instanceof DateClass)) {
    throw badValue(`'${timeField}' must be present and contain a valid BSON UTC datetime value`);
  }
}
