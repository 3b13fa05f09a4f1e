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

/** A case's ceiling (jobs/s, named `metric`) and Docket's share of it, when both ran. */
export function addCeilingRows(
  rows: RowCollector,
  group: string,
  metric: string,
  ceiling: number | undefined,
  docketRate: number | undefined,
): void {
  if (ceiling === undefined || docketRate === undefined) return;
  rows.add('docket', group, metric, 'jobs/s', 'higher', ceiling);
  rows.add('docket', group, 'share of the ceiling', '%', 'higher', (100 * docketRate) / ceiling);
}
