import { FormField, type FormErrors } from './form-field';

/** The values a form starts with (those of a job being edited). */
export interface JobOptionValues {
  readonly queue?: string;
  readonly priority?: number;
  readonly maxAttempts?: number | null;
}

const text = (value: string | number | null | undefined) =>
  value === null || value === undefined ? '' : String(value);

/** Queue, priority and attempts: the options every job form has (read by `readJobOptions`). */
export function JobOptionFields({
  errors,
  initial = {},
  priorityHint,
}: {
  errors: FormErrors;
  initial?: JobOptionValues;
  priorityHint: string;
}) {
  return (
    <>
      <FormField
        name="queue"
        label="Queue"
        hint="default when empty"
        error={errors.queue}
        control={(attributes) => (
          <input {...attributes} defaultValue={initial.queue} autocomplete="off" />
        )}
      />
      <FormField
        name="priority"
        label="Priority"
        hint={priorityHint}
        error={errors.priority}
        control={(attributes) => (
          <input {...attributes} defaultValue={text(initial.priority)} inputMode="numeric" />
        )}
      />
      <FormField
        name="maxAttempts"
        label="Attempts"
        hint="the handler’s setting when empty"
        error={errors.maxAttempts}
        control={(attributes) => (
          <input {...attributes} defaultValue={text(initial.maxAttempts)} inputMode="numeric" />
        )}
      />
    </>
  );
}
