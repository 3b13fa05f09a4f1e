import { CommandFailure } from '../command-types';
import { formatValue } from './value-format';

/**
 * A write that would give a unique index two equal keys (E11000). As a write error it
 * becomes `{ code: 11000, errmsg, keyPattern, keyValue }`; as a command error (findAndModify)
 * the same fields sit beside `ok: 0`.
 */
export class DuplicateKeyError extends CommandFailure {
  constructor(
    readonly ns: string,
    readonly indexName: string,
    readonly keyPattern: Record<string, unknown>,
    readonly keyValue: Record<string, unknown>,
  ) {
    super(
      11000,
      'DuplicateKey',
      `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: ${formatValue(keyValue)}`,
      { keyPattern, keyValue },
    );
  }

  override get name(): string {
    return 'DuplicateKeyError';
  }
}
