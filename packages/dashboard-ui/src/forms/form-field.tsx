import type { ComponentChildren } from 'preact';

/** Errors of a form by input name; `''` holds the form's own (not one field's). */
export type FormErrors = Readonly<Record<string, string>>;

/**
 * A labelled control with its hint and error underneath, tied to it for assistive
 * technology (`aria-describedby`, `aria-invalid`). `control` receives the attributes.
 */
export function FormField({
  name,
  label,
  hint,
  error,
  control,
}: {
  name: string;
  label: ComponentChildren;
  hint?: string;
  error?: string;
  control: (attributes: {
    id: string;
    name: string;
    'aria-invalid': 'true' | undefined;
    'aria-describedby': string | undefined;
  }) => ComponentChildren;
}) {
  const id = `field-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return (
    <div class={`form-field${error ? ' invalid' : ''}`} data-field={name}>
      <label for={id}>{label}</label>
      {control({
        id,
        name,
        'aria-invalid': error ? 'true' : undefined,
        'aria-describedby': described.length > 0 ? described.join(' ') : undefined,
      })}
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** The form's errors in a summary at its top (an alert, so that it is announced). */
export function ErrorSummary({ errors }: { errors: FormErrors }) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert">
      <p>
        {entries.length === 1 ? 'One thing to correct' : `${entries.length} things to correct`}:
      </p>
      <ul>
        {entries.map(([name, message]) => (
          <li key={name}>{name === '' ? message : `${name}: ${message}`}</li>
        ))}
      </ul>
    </div>
  );
}
