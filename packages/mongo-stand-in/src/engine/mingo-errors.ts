import { CommandFailure } from '../command-types';

const REWRITES: ReadonlyArray<
  readonly [RegExp, number, string, (match: RegExpMatchArray) => string]
> = [
  [/unknown query operator (\$\w+)/, 2, 'BadValue', (m) => `unknown operator: ${m[1]}`],
  [
    /unknown top level operator: (\$\w+)/,
    2,
    'BadValue',
    (m) =>
      `unknown top level operator: ${m[1]}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`,
  ],
  [
    /(?:unknown pipeline operator|Unknown pipeline operator|unregistered pipeline operator)[: ]*'?(\$\w+)/i,
    40324,
    'Location40324',
    (m) => `Unrecognized pipeline stage name: '${m[1]}'`,
  ],
  [
    /(?:unknown|invalid) expression operator[: ]*'?(\$\w+)/i,
    168,
    'InvalidPipelineOperator',
    (m) => `Unrecognized expression '${m[1]}'`,
  ],
  [
    /Use of undefined variable: (\S+)/,
    17276,
    'Location17276',
    (m) => `Use of undefined variable: ${m[1]}`,
  ],
];

/**
 * Turns an error thrown inside mingo into the CommandFailure mongod would answer with
 * (unknown operators get mongod's codes and wording; anything else becomes `fallbackCode`).
 */
export function translateMingoError(
  error: unknown,
  fallbackCode = 2,
  fallbackName = 'BadValue',
): CommandFailure {
  if (error instanceof CommandFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, code, codeName, rewrite] of REWRITES) {
    const match = message.match(pattern);
    if (match) return new CommandFailure(code, codeName, rewrite(match));
  }
  return new CommandFailure(fallbackCode, fallbackName, message);
}
