import { CHANGE_STREAM_OPERATIONS } from './change-stream-operations';
import { CLIENT_OPERATIONS } from './client-operations';
import { COLLECTION_OPERATIONS } from './collection-operations';
import { DATABASE_OPERATIONS } from './database-operations';
import type { Entity } from './entity-map';
import { OperationArguments } from './operation-arguments';
import type { OperationResult } from './operation-result';
import { SESSION_OPERATIONS } from './session-operations';
import { SpecRunnerError } from './spec-runner.error';
import type { TestRunnerContext } from './test-runner-context';
import { TEST_RUNNER_OPERATIONS } from './test-runner-operations';
import { TEST_RUNNER_OBJECT, type Operation } from './unified-test-file';

/** The kinds of object an operation can run on. */
export type OperationTarget = Entity['kind'] | 'testRunner';

const TABLES: Readonly<Record<OperationTarget, Readonly<Record<string, unknown>>>> = {
  testRunner: TEST_RUNNER_OPERATIONS,
  client: CLIENT_OPERATIONS,
  database: DATABASE_OPERATIONS,
  collection: COLLECTION_OPERATIONS,
  session: SESSION_OPERATIONS,
  changeStream: CHANGE_STREAM_OPERATIONS,
  value: {},
};

/** Whether the runner can run operation `name` on an object of kind `target`. */
export function isSupportedOperation(target: OperationTarget, name: string): boolean {
  return Object.hasOwn(TABLES[target], name);
}

/**
 * Runs one operation on its entity (or on the test runner) and returns its result in the
 * format's shape. Throws what the driver throws; an unknown entity, operation or argument
 * is an error of the test, as the format requires.
 */
export async function runOperation(
  operation: Operation,
  context: TestRunnerContext,
): Promise<OperationResult> {
  const { object, name } = operation;
  const args = new OperationArguments(operation.arguments, `${object}.${name}`, (id) =>
    context.entities.session(id),
  );
  if (object === TEST_RUNNER_OBJECT) {
    return TEST_RUNNER_OPERATIONS[supported('testRunner', name)](context, args);
  }
  const entity = context.entities.find(object);
  if (!entity) throw new SpecRunnerError(`no entity named "${object}"`);
  switch (entity.kind) {
    case 'client':
      return CLIENT_OPERATIONS[supported(entity.kind, name)](entity.value, args);
    case 'database':
      return DATABASE_OPERATIONS[supported(entity.kind, name)](entity.value, args);
    case 'collection':
      return COLLECTION_OPERATIONS[supported(entity.kind, name)](entity.value, args);
    case 'session':
      return SESSION_OPERATIONS[supported(entity.kind, name)](entity.value, args, context);
    case 'changeStream':
      return CHANGE_STREAM_OPERATIONS[supported(entity.kind, name)](entity.value, args);
    case 'value':
      throw new SpecRunnerError(`"${object}" is a saved value, not an object with operations`);
  }
}

function supported(target: OperationTarget, name: string): string {
  if (!isSupportedOperation(target, name))
    throw new SpecRunnerError(`unsupported ${target} operation "${name}"`);
  return name;
}
