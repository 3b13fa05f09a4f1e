/**
 * The MongoDB server error codes the stand-in's own layer uses or may be asked to fake
 * (through the `failCommand` fail point), with mongod's code names.
 */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  HostUnreachable: 6,
  HostNotFound: 7,
  UnknownError: 8,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  LockTimeout: 24,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  CommandNotFound: 59,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  NoReplicationEnabled: 76,
  NotAReplicaSet: 123,
  CommandFailed: 125,
  NetworkTimeout: 89,
  GraphContainsCycle: 93,
  ShutdownInProgress: 91,
  UnknownReplWriteConcern: 79,
  UnsatisfiableWriteConcern: 100,
  WriteConflict: 112,
  FailedToSatisfyReadPreference: 133,
  CappedPositionLost: 136,
  CommandNotSupportedOnView: 166,
  QueryPlanKilled: 175,
  AmbiguousIndexKeyPattern: 181,
  PrimarySteppedDown: 189,
  RetryChangeStream: 234,
  NotImplemented: 238,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  OperationNotSupportedInTransaction: 263,
  TransactionTooOld: 225,
  ExceededTimeLimit: 262,
  ChangeStreamFatalError: 280,
  UnsupportedOpQueryCommand: 352,
  CannotConvertIndexToUnique: 359,
  SocketException: 9001,
  DuplicateKey: 11000,
  NotWritablePrimary: 10107,
  InterruptedAtShutdown: 11600,
  Interrupted: 11601,
  InterruptedDueToReplStateChange: 11602,
  NotPrimaryNoSecondaryOk: 13435,
  NotPrimaryOrSecondary: 13436,
  StaleConfig: 13388,
} as const;

const NAMES = new Map<number, string>(
  Object.entries(ErrorCodes).map(([name, code]) => [code, name]),
);

/** mongod's code name for `code`; codes without a name are called `Location<code>`, as mongod does. */
export function codeNameOf(code: number): string {
  return NAMES.get(code) ?? `Location${code}`;
}
