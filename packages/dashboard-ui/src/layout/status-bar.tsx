import { useApp } from '../app/app-context';
import { useObserved } from '../live/observable';

/**
 * Under the header: when the data was last confirmed (or that the dashboard is offline),
 * and the flash message of the last action, announced to screen readers.
 */
export function StatusBar() {
  const { live, flash } = useApp();
  const status = useObserved(live.line, () => live.line.status);
  const message = useObserved(flash, () => flash.message);
  return (
    <section class="status" aria-label="Status">
      <p id="live" class={status.kind === 'offline' ? 'live offline' : 'live'}>
        {status.kind === 'updated' && `Updated ${status.at.toLocaleTimeString()}`}
        {status.kind === 'offline' && `Offline: ${status.message}`}
      </p>
      <p id="flash" class={message?.isError ? 'flash error' : 'flash'} role="status">
        {message?.text}
      </p>
    </section>
  );
}
