import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { ErrorCodes } from '../error-codes';

/** The server parameters the stand-in reports. */
const PARAMETERS: Readonly<Record<string, () => unknown>> = {
  featureCompatibilityVersion: () => ({ version: '7.0' }),
  authenticationMechanisms: () => [],
  enableTestCommands: () => true,
  maxBSONDepth: () => 200,
  transactionLifetimeLimitSeconds: () => 60,
  internalQueryMaxBlockingSortMemoryUsageBytes: () => 104_857_600,
};

/**
 * `getParameter`: `{ getParameter: 1, <name>: 1, ... }` or `{ getParameter: '*' }`.
 * @throws {@link CommandFailure} InvalidOptions when no requested parameter is known.
 */
export const getParameterCommand: CommandHandler = (command) => {
  const all = command.getParameter === '*';
  const reply: Document = {};
  for (const [name, read] of Object.entries(PARAMETERS)) {
    if (all || (name in command && name !== 'getParameter')) reply[name] = read();
  }
  if (Object.keys(reply).length === 0) {
    throw new CommandFailure(ErrorCodes.InvalidOptions, 'InvalidOptions', 'no option found to get');
  }
  return reply;
};
