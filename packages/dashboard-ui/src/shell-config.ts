/** What the server wrote into the page shell's `<body>`: the dashboard's options. */
export interface ShellConfig {
  /** Base path of every page and of the API, ending in `/`. */
  readonly base: string;
  /** The dashboard's title (brand and document titles). */
  readonly title: string;
  /** How often pages refresh while visible. */
  readonly refreshMs: number;
  /** Actions are refused by the server: offer none. */
  readonly readOnly: boolean;
  /** The largest page (`limit`) the API serves. */
  readonly maxPageSize: number;
}

/** Reads the shell's `data-*` attributes (strings the server escaped), with safe fallbacks. */
export function readShellConfig(body: HTMLElement): ShellConfig {
  const refreshMs = Number(body.dataset.refresh);
  const maxPageSize = Number(body.dataset.maxPageSize);
  return {
    base: body.dataset.base || '/',
    title: body.dataset.title || 'Docket',
    refreshMs: Number.isFinite(refreshMs) && refreshMs >= 100 ? refreshMs : 2_000,
    readOnly: body.dataset.readOnly === 'true',
    maxPageSize: Number.isInteger(maxPageSize) && maxPageSize >= 1 ? maxPageSize : 20,
  };
}
