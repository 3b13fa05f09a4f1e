/**
 * uPlot builds a number format from `navigator.language` as it loads. Chromium on Linux
 * under a POSIX locale (LANG=C) reports tags such as `en-US@posix`, which Intl refuses with a
 * RangeError that would stop the whole script. Such a tag is replaced, before uPlot loads,
 * by its usable part (or `en-US`). Import this module before anything that imports uPlot.
 */
function usable(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

const reported = navigator.language;
if (!usable(reported)) {
  const stripped = reported.split('@')[0];
  const language = usable(stripped) ? stripped : 'en-US';
  Object.defineProperty(navigator, 'language', { configurable: true, get: () => language });
}
