import type { IndexDescription } from 'mongodb';

/**
 * The indexes of job searches (the dashboard's lists and counts, `findJobs`, `countJobs` and
 * the bulk actions' reads), on `<prefix>jobs`, besides Docket's own. Created on first use,
 * not by `Docket.create`: an application that never searches pays nothing for them.
 * - `dashboard-finished`: jobs of one finished state (or several), newest first; also the
 *   dashboard's throughput statistics;
 * - `dashboard-due`: jobs of unfinished states by due time (soonest first);
 * - `search-queue-finished`, `search-type-finished`: finished jobs of one queue, or of one
 *   exact type (a type prefix reads the range of types it covers, then sorts), newest first;
 *   also the dashboard's statistics over time of one queue or type;
 * - `search-queue-due`, `search-type-due`: unfinished jobs of one queue, or of one exact
 *   type, by due time (Docket's `claim` index puts `priority` before `dueAt`, and its
 *   by-type indexes lack `_id`, so neither gives that order);
 * - `search-tags`: jobs carrying a tag (multikey), by state; partial, so untagged jobs
 *   cost it nothing.
 *
 * The two finished-only indexes are partial (`finishedAt` is a date only on finished jobs),
 * so a job enters them once, when it finishes, instead of at every state change; a search of
 * finished states says `finishedAt: { $type: 'date' }` to be allowed to use them. A type
 * prefix is a range of types, which no index orders by time: it is read in the state's order
 * (`dashboard-*`), keeping the jobs of matching types. Other sorts (`createdAt`, `id` with a
 * state) read the matching jobs through these indexes and sort them in memory, keeping only
 * the page.
 */
export const SEARCH_INDEXES: readonly IndexDescription[] = [
  { key: { state: 1, finishedAt: -1, _id: -1 }, name: 'dashboard-finished' },
  { key: { state: 1, dueAt: 1, _id: 1 }, name: 'dashboard-due' },
  {
    key: { queue: 1, state: 1, finishedAt: -1, _id: -1 },
    name: 'search-queue-finished',
    partialFilterExpression: { finishedAt: { $type: 'date' } },
  },
  {
    key: { type: 1, state: 1, finishedAt: -1, _id: -1 },
    name: 'search-type-finished',
    partialFilterExpression: { finishedAt: { $type: 'date' } },
  },
  { key: { queue: 1, state: 1, dueAt: 1, _id: 1 }, name: 'search-queue-due' },
  { key: { type: 1, state: 1, dueAt: 1, _id: 1 }, name: 'search-type-due' },
  {
    key: { tags: 1, state: 1, _id: 1 },
    name: 'search-tags',
    partialFilterExpression: { tags: { $exists: true } },
  },
];
