import type { ApiBatch } from '../../../../src/dashboard/api-batch-types';
import { Badge } from './badge';

/** The parts of a batch's items, in the order the bar shows them. */
const PARTS = ['succeeded', 'failed', 'deleted', 'pending'] as const;

/** What the bar and the counts call a part: items not ended are cancelled with their batch. */
function labelOf(part: (typeof PARTS)[number], batch: ApiBatch): string {
  return part === 'pending' && batch.state === 'cancelled' ? 'cancelled' : part;
}

/** A batch state's badge. */
export const BatchStateBadge = ({ state }: { state: string }) => (
  <Badge kind={`batch-${state}`}>{state}</Badge>
);

/**
 * A batch's progress: a bar of its succeeded, failed, deleted and pending items (nested
 * batches count as one each), and the same counts as text, which is what screen readers
 * read. The bar is drawn in SVG units of one item, so that no inline style is needed.
 */
export function BatchProgress({ batch }: { batch: ApiBatch }) {
  const total = Math.max(batch.total, 1);
  let x = 0;
  const segments = PARTS.map((part) => {
    const segment = { part, x, count: batch[part] };
    x += batch[part];
    return segment;
  });
  return (
    <div class="batch-progress">
      <svg
        class="batch-bar"
        viewBox={`0 0 ${total} 1`}
        preserveAspectRatio="none"
        aria-hidden="true"
        focusable="false"
      >
        {segments
          .filter((segment) => segment.count > 0)
          .map(({ part, x: at, count }) => (
            <rect key={part} class={part} x={at} y={0} width={count} height={1} />
          ))}
      </svg>
      <span class="batch-counts">
        {PARTS.map((part, i) => (
          <span key={part} class={`count-${part}`}>
            {i > 0 && ' · '}
            {batch[part]} {labelOf(part, batch)}
          </span>
        ))}
      </span>
    </div>
  );
}
