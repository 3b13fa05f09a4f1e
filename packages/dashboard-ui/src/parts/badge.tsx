import type { ComponentChildren } from 'preact';

/** A small coloured label: a job state (`state-failed`) or a status (`active`, `paused`). */
export function Badge({
  kind,
  title,
  children,
}: {
  kind: string;
  title?: string;
  children: ComponentChildren;
}) {
  return (
    <span class={`badge ${kind}`} title={title}>
      {children}
    </span>
  );
}

/** A job state's badge. */
export const StateBadge = ({ state }: { state: string }) => (
  <Badge kind={`state-${state}`}>{state}</Badge>
);
