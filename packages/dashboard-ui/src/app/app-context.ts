import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ShellConfig } from '../shell-config';
import type { ApiClient } from '../live/api-client';
import type { LiveStore } from '../live/live-store';
import type { Flash } from './flash';
import type { ThemeState } from './theme';

/** What every component may use: the shell's options and the app's services. */
export interface AppServices {
  readonly config: ShellConfig;
  readonly api: ApiClient;
  readonly live: LiveStore;
  readonly flash: Flash;
  readonly theme: ThemeState;
  /** Opens a page of the dashboard without reloading (pushes a history entry). */
  readonly navigate: (href: string) => void;
}

export const AppContext = createContext<AppServices | null>(null);

/** The app's services; only inside `<App>`. */
export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (services === null) throw new Error('useApp() is only available inside <App>');
  return services;
}
