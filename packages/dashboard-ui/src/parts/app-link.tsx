import type { AnchorHTMLAttributes } from 'preact';
import { useApp } from '../app/app-context';

/** A link to a page of the dashboard, opened in place (a modified click opens it as usual). */
export function AppLink({ href, onClick, ...rest }: AnchorHTMLAttributes & { href: string }) {
  const { navigate } = useApp();
  return (
    <a
      {...rest}
      href={href}
      onClick={(event) => {
        onClick?.(event);
        const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
        if (event.defaultPrevented || event.button !== 0 || modified) return;
        event.preventDefault();
        navigate(href);
      }}
    />
  );
}
