import { guard } from '../../storage/mongo/mongo-errors';
import type { SchemaStep } from '../schema-step';

/**
 * The fields every recurring definition is stored with today, and the value their absence
 * meant. Definitions stored before interval schedules, start/end windows, repeat limits and
 * overlap policies existed lack them, and every reader of the collection has to remember
 * what absent means (`?? null`, `?? 0`, "absent: allow").
 */
const SHAPE_FIELD_VALUES = [
  ['everyMs', null],
  ['anchor', null],
  ['startAt', null],
  ['endAt', null],
  ['repeatLimit', null],
  ['overlap', 'allow'],
] as const;

/**
 * 1.0 → 1.1: recurring definitions written before their schedule had a shape get the shape's
 * fields, each with the value its absence meant, so that every definition in the database
 * is stored as `addOrUpdateRecurring` stores one now: a query on `overlap`, `repeatLimit` or
 * the window (an operator's, a dashboard filter's) matches them as their behaviour says, and
 * `listRecurring` shows stored values rather than guesses.
 *
 * Minor: servers of 1.0 read these values exactly as they read their absence, and the ones
 * that predate the fields never write them (their `$set`s leave them alone), so they keep
 * running. Readers keep their fallbacks while such servers may still insert definitions.
 *
 * One `updateMany` per field, each matching only definitions still lacking it: a run stopped
 * after some fields leaves the others for the next run, and a run on a migrated database
 * matches nothing. The values written are the ones servers' conditioned writes already
 * compare absent fields with (`{ everyMs: null }` matches both), so a server that read a
 * definition before the step and writes after it still matches. `runCount` is left alone for
 * that reason: a server's next-run advance requires `runCount: null` of a definition it read
 * without one, and the advance's own `$inc` stores it.
 */
export const RECURRING_SHAPE_FIELDS_STEP: SchemaStep = {
  to: { major: 1, minor: 1 },
  description: 'recurring definitions stored before schedule shapes get their shape fields',
  async run({ db, collectionPrefix }) {
    const definitions = db.collection(`${collectionPrefix}recurring`);
    for (const [field, value] of SHAPE_FIELD_VALUES) {
      await guard(`fill in the recurring definitions' ${field}`, () =>
        definitions.updateMany({ [field]: { $exists: false } }, { $set: { [field]: value } }),
      );
    }
  },
};
