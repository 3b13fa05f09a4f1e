import type { Document } from 'bson';
import { describeValue } from './bson-values';
import { transactionState, type TransactionState } from './driver-internals';
import { matchExactly } from './match';
import type { OperationArguments } from './operation-arguments';
import { valueResult, type OperationResult } from './operation-result';
import { SpecRunnerError } from './spec-runner.error';
import type { TestRunnerContext } from './test-runner-context';

/** A special operation of the test runner that asserts something of sessions. */
export type SessionAssertion = (
  context: TestRunnerContext,
  args: OperationArguments,
) => Promise<OperationResult>;

const NOTHING = valueResult(undefined);

const TRANSACTION_STATES: ReadonlySet<TransactionState> = new Set([
  'none',
  'starting',
  'in_progress',
  'committed',
  'aborted',
]);

/**
 * The format's session assertions, by name. Each throws {@link SpecRunnerError} when its
 * assertion does not hold (special operations are always expected to succeed).
 */
export const SESSION_ASSERTIONS: Readonly<Record<string, SessionAssertion>> = {
  async assertSessionTransactionState(context, args) {
    const id = args.required<string>('session');
    const expected = args.required<TransactionState>('state');
    if (!TRANSACTION_STATES.has(expected)) {
      throw new SpecRunnerError(`assertSessionTransactionState: unknown state "${expected}"`);
    }
    const actual = transactionState(context.entities.session(id));
    if (actual !== expected) {
      throw new SpecRunnerError(`session ${id}: transaction state is ${actual}, not ${expected}`);
    }
    return NOTHING;
  },
  async assertSessionPinned(context, args) {
    assertPinned(context, args, true);
    return NOTHING;
  },
  async assertSessionUnpinned(context, args) {
    assertPinned(context, args, false);
    return NOTHING;
  },
  async assertSessionDirty(context, args) {
    assertDirty(context, args, true);
    return NOTHING;
  },
  async assertSessionNotDirty(context, args) {
    assertDirty(context, args, false);
    return NOTHING;
  },
  async assertSameLsidOnLastTwoCommands(context, args) {
    assertLastTwoLsids(context, args, true);
    return NOTHING;
  },
  async assertDifferentLsidOnLastTwoCommands(context, args) {
    assertLastTwoLsids(context, args, false);
    return NOTHING;
  },
};

function assertPinned(context: TestRunnerContext, args: OperationArguments, pinned: boolean) {
  const id = args.required<string>('session');
  if (context.entities.session(id).isPinned !== pinned) {
    throw new SpecRunnerError(`session ${id} is ${pinned ? 'not pinned' : 'pinned'} to a mongos`);
  }
}

function assertDirty(context: TestRunnerContext, args: OperationArguments, dirty: boolean) {
  const id = args.required<string>('session');
  // An ended session keeps a copy of its server session, dirty flag included.
  if (context.entities.session(id).serverSession.isDirty !== dirty) {
    throw new SpecRunnerError(`session ${id} is ${dirty ? 'not dirty' : 'dirty'}`);
  }
}

/**
 * The last two `commandStartedEvent`s the client observed must both carry an `lsid`, the
 * same one or two different ones.
 */
function assertLastTwoLsids(context: TestRunnerContext, args: OperationArguments, same: boolean) {
  const id = args.required<string>('client');
  const commands = context.entities.eventLog(id).startedCommands();
  if (commands.length < 2) {
    throw new SpecRunnerError(
      `client ${id} observed ${commands.length} commandStartedEvent(s), the assertion needs two`,
    );
  }
  const [previous, last] = commands.slice(-2).map((command) => lsidOf(command, id));
  const equal = matchExactly(previous, last) === undefined;
  if (equal !== same) {
    throw new SpecRunnerError(
      `the last two commands of client ${id} have ${equal ? 'the same lsid' : 'different lsids'}: ${describeValue(previous)} and ${describeValue(last)}`,
    );
  }
}

function lsidOf(command: Document, clientId: string): unknown {
  if (command.lsid === undefined) {
    throw new SpecRunnerError(
      `a command of client ${clientId} has no lsid: ${describeValue(command)}`,
    );
  }
  return command.lsid;
}
