import { Observable } from '../live/observable';

export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'docket-dashboard-theme';

function storedChoice(): Theme | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null; // storage refused (a privacy setting): follow the system
  }
}

/**
 * Light or dark: the system's preference (`prefers-color-scheme`, followed as it changes)
 * until the user picks one with the header's toggle, which is remembered in localStorage.
 * The theme in effect is written to `<html data-theme>`, which the style sheet keys on.
 */
export class ThemeState extends Observable {
  private choice: Theme | null = storedChoice();
  private readonly system = matchMedia('(prefers-color-scheme: dark)');

  constructor(private readonly root: HTMLElement) {
    super();
    this.system.addEventListener('change', () => this.apply());
    this.apply();
  }

  get theme(): Theme {
    return this.choice ?? (this.system.matches ? 'dark' : 'light');
  }

  /** Switches to the other theme and remembers the choice. */
  toggle(): void {
    this.choice = this.theme === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(STORAGE_KEY, this.choice);
    } catch {
      // Not remembered; it still applies to this page.
    }
    this.apply();
  }

  private apply(): void {
    this.root.dataset.theme = this.theme;
    this.notify();
  }
}
