import { useApp } from '../app/app-context';
import { useObserved } from '../live/observable';

/** The header's dark mode switch: a toggle button, pressed while the theme is dark. */
export function ThemeToggle() {
  const { theme } = useApp();
  const current = useObserved(theme, () => theme.theme);
  return (
    <button
      type="button"
      class="theme-toggle"
      aria-pressed={current === 'dark' ? 'true' : 'false'}
      title="Dark mode"
      onClick={() => theme.toggle()}
    >
      <span aria-hidden="true">{current === 'dark' ? '☾' : '☀'}</span>
      <span class="visually-hidden">Dark mode</span>
    </button>
  );
}
