import { useEffect, useState } from 'preact/hooks';
import { ago } from './format';

/** One timer for every relative time on the page, running while any is shown. */
class SecondsClock {
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setInterval> | undefined;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    this.timer ??= setInterval(() => this.listeners.forEach((each) => each()), 1000);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }
}

const clock = new SecondsClock();

function Ago({ iso }: { iso: string }) {
  const [text, setText] = useState(() => ago(iso, Date.now()));
  useEffect(() => {
    const update = () => setText(ago(iso, Date.now()));
    update();
    return clock.subscribe(update);
  }, [iso]);
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {text}
    </time>
  );
}

/**
 * "12 s ago" for a time, kept current by the clock alone (the page around it does not
 * re-render); a dash for none.
 */
export function RelativeTime({ iso }: { iso: string | null }) {
  return iso ? <Ago iso={iso} /> : <span class="muted">–</span>;
}
