/** Reads the job options a form shares with others: queue, priority, attempts. */
export function readJobOptions(
  form: FormData,
  names: readonly ('queue' | 'priority' | 'maxAttempts' | 'uniqueKey')[],
): { options: Record<string, unknown>; errors: Record<string, string> } {
  const options: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const name of names) {
    const text = String(form.get(name) ?? '').trim();
    if (text === '') continue;
    if (name === 'queue' || name === 'uniqueKey') {
      options[name] = text;
      continue;
    }
    const value = Number(text);
    if (!Number.isSafeInteger(value)) errors[name] = 'Must be a whole number.';
    else options[name] = value;
  }
  return { options, errors };
}
