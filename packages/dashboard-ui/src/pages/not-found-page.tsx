import { useApp } from '../app/app-context';
import { PageFrame } from '../layout/page-frame';
import { AppLink } from '../parts/app-link';

/** A path that names no page; `malformed` when part of it cannot even be decoded. */
export function NotFoundPage({ malformed }: { malformed: boolean }) {
  const { config } = useApp();
  return (
    <PageFrame title="Not found" heading="Page not found" busy={false}>
      {malformed && (
        <p class="empty" id="invalid-link">
          This is not a valid link: part of its address is malformed.
        </p>
      )}
      <p>
        <AppLink href={config.base}>Back to the overview</AppLink>
      </p>
    </PageFrame>
  );
}
