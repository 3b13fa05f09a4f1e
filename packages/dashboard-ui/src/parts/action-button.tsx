import { useState } from 'preact/hooks';
import { useApp } from '../app/app-context';

export interface ActionButtonProps {
  /** Visible text. */
  readonly label: string;
  /** Accessible name when the label alone is ambiguous ("Retry job 42"); contains the label. */
  readonly name?: string;
  /** Extra classes: `retry`, `danger delete`... */
  readonly kind: string;
  readonly method: 'POST' | 'DELETE';
  /** API path under `api/`, segments encoded. */
  readonly path: string;
  /** The flash message once done. */
  readonly done: string;
  /** Asks this question first; the action runs only when confirmed. */
  readonly confirm?: string;
}

/**
 * A button that sends one action to the API, says how it went in the flash line and
 * refreshes the page's data. It stays focusable while the request runs (marked
 * aria-disabled, so a keyboard user keeps their place) and ignores clicks meanwhile.
 */
export function ActionButton({
  label,
  name,
  kind,
  method,
  path,
  done,
  confirm,
}: ActionButtonProps) {
  const { api } = useApp();
  const { busy, run } = useAction();
  const act = () => {
    if (busy || (confirm !== undefined && !window.confirm(confirm))) return;
    void run(async () => {
      await api.act(method, path);
      return done;
    });
  };
  return (
    <button
      type="button"
      class={`btn ${kind}`}
      aria-label={name}
      aria-disabled={busy ? 'true' : undefined}
      onClick={act}
    >
      {label}
    </button>
  );
}

/**
 * An action sent from the page: `busy` while it runs; then what `act` resolves with goes to
 * the flash line and the page's data is refreshed, or its error is flashed.
 */
export function useAction(): { busy: boolean; run: (act: () => Promise<string>) => Promise<void> } {
  const { live, flash } = useApp();
  const [busy, setBusy] = useState(false);
  const run = async (act: () => Promise<string>) => {
    setBusy(true);
    try {
      flash.say(await act());
      await live.refresh();
    } catch (error) {
      flash.say(error instanceof Error ? error.message : String(error), true);
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
