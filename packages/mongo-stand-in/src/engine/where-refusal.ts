import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { isArray } from './intrinsics';

type Document = Record<string, unknown>;

/** Whether a filter uses `$where`, at its top level or inside `$and`, `$or` or `$nor`. */
function usesWhere(filter: Document): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$where') return true;
    if ((key === '$and' || key === '$or' || key === '$nor') && isArray(value)) {
      if (value.some((clause) => isPlainDocument(clause) && usesWhere(clause))) return true;
    }
  }
  return false;
}

/**
 * Refuses `$where` in a query filter as mongod does when server-side JavaScript is disabled
 * (`security.javascriptEnabled: false`): 6108304, when the filter is parsed, so an empty or
 * missing collection refuses it too. The stand-in never runs a client's JavaScript: no
 * sandbox available in Node.js (`node:vm` included) keeps a script from reaching the
 * process that every test shares. `$expr` says the same in the query language.
 */
export function refuseWhereInFilter(filter: Document): void {
  if (!usesWhere(filter)) return;
  throw new CommandFailure(
    6108304,
    'Location6108304',
    'no globalScriptEngine in $where parsing (the stand-in runs no server-side JavaScript: use $expr)',
  );
}

/**
 * `$where` in a pipeline's `$match` or a collection validator: mongod refuses it there
 * whatever its settings (2).
 */
export function refuseWhereOutsideFind(filter: unknown): void {
  if (isPlainDocument(filter) && usesWhere(filter)) {
    throw new CommandFailure(2, 'BadValue', '$where is not allowed in this context');
  }
}
