import type { SystemName } from '../workers/protocol';
import { systemsInOrder } from './bench-context';
import type { RowCollector } from './scenario-helpers';

/** A repetition's runs: both systems, and the ceiling first in odd repetitions, last in even. */
export function withCeiling(rep: number): Array<SystemName | 'ceiling'> {
  const order: Array<SystemName | 'ceiling'> = systemsInOrder(rep);
  if (rep % 2 === 0) order.push('ceiling');
  else order.unshift('ceiling');
  return order;
}

/**
 * A case's ceiling (named `metric`: a rate in jobs/s unless told otherwise) and Docket's share
 * of it, when both ran. For a figure where lower is better (a latency), the share is the
 * ceiling's value over Docket's.
 */
export function addCeilingRows(
  rows: RowCollector,
  group: string,
  metric: string,
  ceiling: number | undefined,
  docket: number | undefined,
  figure: { readonly unit: string; readonly better: 'higher' | 'lower' } = {
    unit: 'jobs/s',
    better: 'higher',
  },
): void {
  if (ceiling === undefined || docket === undefined) return;
  rows.add('docket', group, metric, figure.unit, figure.better, ceiling);
  const share = figure.better === 'higher' ? docket / ceiling : ceiling / docket;
  rows.add('docket', group, 'share of the ceiling', '%', 'higher', 100 * share);
}
