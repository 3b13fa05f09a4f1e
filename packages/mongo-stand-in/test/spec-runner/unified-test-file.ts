import type { Document } from 'bson';

/**
 * The parts of MongoDB's unified test format (schema 1.x) that this runner reads. Field
 * names are the format's own; anything else a file carries is ignored.
 */
export interface UnifiedTestFile {
  readonly description: string;
  readonly schemaVersion: string;
  readonly runOnRequirements?: readonly RunOnRequirement[];
  readonly createEntities?: readonly EntityDescription[];
  readonly initialData?: readonly CollectionData[];
  readonly tests: readonly UnifiedTest[];
}

/** One `runOnRequirement`: every field present must hold for the requirement to hold. */
export interface RunOnRequirement {
  readonly minServerVersion?: string;
  readonly maxServerVersion?: string;
  readonly topologies?: readonly string[];
  readonly serverless?: 'require' | 'forbid' | 'allow';
  readonly serverParameters?: Document;
  readonly auth?: boolean;
  readonly csfle?: boolean | Document;
  readonly authMechanism?: string;
}

/** An entity to create before each test; exactly one key names its type. */
export interface EntityDescription {
  readonly client?: ClientEntityDescription;
  readonly database?: DatabaseEntityDescription;
  readonly collection?: CollectionEntityDescription;
  readonly session?: SessionEntityDescription;
  readonly [otherType: string]: Document | undefined;
}

export interface ClientEntityDescription {
  readonly id: string;
  readonly uriOptions?: Document;
  readonly useMultipleMongoses?: boolean;
  readonly observeEvents?: readonly string[];
  readonly ignoreCommandMonitoringEvents?: readonly string[];
  readonly observeSensitiveCommands?: boolean;
  readonly storeEventsAsEntities?: readonly StoreEventsAsEntity[];
  readonly serverApi?: Document;
}

/** One event list entity a client fills (`storeEventsAsEntities`). */
export interface StoreEventsAsEntity {
  readonly id: string;
  /** Event names as the monitoring specifications spell them (`CommandStartedEvent`...). */
  readonly events: readonly string[];
}

/** An explicit session started from a client entity, with `startSession`'s options. */
export interface SessionEntityDescription {
  readonly id: string;
  readonly client: string;
  readonly sessionOptions?: Document;
}

export interface DatabaseEntityDescription {
  readonly id: string;
  readonly client: string;
  readonly databaseName: string;
  readonly databaseOptions?: CollectionOrDatabaseOptions;
}

export interface CollectionEntityDescription {
  readonly id: string;
  readonly database: string;
  readonly collectionName: string;
  readonly collectionOptions?: CollectionOrDatabaseOptions;
}

export interface CollectionOrDatabaseOptions {
  readonly readConcern?: Document;
  readonly readPreference?: Document;
  readonly writeConcern?: Document;
  readonly timeoutMS?: number;
  readonly [other: string]: unknown;
}

/** Documents of one collection, before a test (`initialData`) or after it (`outcome`). */
export interface CollectionData {
  readonly collectionName: string;
  readonly databaseName: string;
  readonly createOptions?: Document;
  readonly documents: readonly Document[];
}

export interface UnifiedTest {
  readonly description: string;
  readonly runOnRequirements?: readonly RunOnRequirement[];
  readonly skipReason?: string;
  readonly operations: readonly Operation[];
  readonly expectEvents?: readonly ExpectedEventsForClient[];
  readonly expectLogMessages?: readonly Document[];
  readonly outcome?: readonly CollectionData[];
}

/** The events one client must have observed during the operations (`expectEvents`). */
export interface ExpectedEventsForClient {
  readonly client: string;
  /** @defaultValue `'command'` */
  readonly eventType?: string;
  /** One-key documents: `{ commandStartedEvent: { command, commandName, ... } }`. */
  readonly events: readonly Document[];
  /** @defaultValue `false` */
  readonly ignoreExtraEvents?: boolean;
}

export interface Operation {
  readonly name: string;
  /** An entity id, or `testRunner` for the special operations. */
  readonly object: string;
  readonly arguments?: Document;
  readonly ignoreResultAndError?: boolean;
  readonly expectError?: ExpectedError;
  /** Present (possibly `null`) when the result is asserted. */
  readonly expectResult?: unknown;
  readonly saveResultAsEntity?: string;
}

export interface ExpectedError {
  readonly isError?: boolean;
  readonly isClientError?: boolean;
  readonly isTimeoutError?: boolean;
  readonly errorContains?: string;
  readonly errorCode?: number;
  readonly errorCodeName?: string;
  readonly errorLabelsContain?: readonly string[];
  readonly errorLabelsOmit?: readonly string[];
  /** Client bulk write errors by the index of the failed write. */
  readonly writeErrors?: Document;
  readonly writeConcernErrors?: readonly Document[];
  readonly errorResponse?: Document;
  readonly expectResult?: unknown;
}

/** The object name of the format's special operations (`failPoint`, ...). */
export const TEST_RUNNER_OBJECT = 'testRunner';
