import { driverLimitation } from '../../spec-runner/driver-limitations';
import type { Operation } from '../../spec-runner/unified-test-file';

function operation(name: string, args: Record<string, unknown>): Operation {
  return { name, object: 'collection0', arguments: args };
}

describe('driverLimitation', () => {
  it('names a null _id the driver would replace (NODE-6468)', () => {
    expect(driverLimitation(operation('insertOne', { document: { _id: null } }))).toMatch(
      /NODE-6468/,
    );
    expect(
      driverLimitation(
        operation('bulkWrite', { requests: [{ insertOne: { document: { _id: null } } }] }),
      ),
    ).toMatch(/NODE-6468/);
  });

  it('names an empty update pipeline the driver refuses, alone or in a bulk write', () => {
    for (const name of ['updateOne', 'updateMany', 'findOneAndUpdate']) {
      expect(driverLimitation(operation(name, { filter: {}, update: [] }))).toMatch(
        /empty update pipeline/,
      );
    }
    expect(
      driverLimitation(
        operation('bulkWrite', { requests: [{ updateMany: { filter: {}, update: [] } }] }),
      ),
    ).toMatch(/empty update pipeline/);
  });

  it('lets other operations run', () => {
    expect(driverLimitation(operation('insertOne', { document: { _id: 1 } }))).toBeUndefined();
    expect(
      driverLimitation(operation('updateOne', { filter: {}, update: [{ $set: { x: 1 } }] })),
    ).toBeUndefined();
    expect(
      driverLimitation(operation('replaceOne', { filter: {}, replacement: {} })),
    ).toBeUndefined();
    expect(
      driverLimitation(
        operation('bulkWrite', { requests: [{ updateOne: { filter: {}, update: { $set: {} } } }] }),
      ),
    ).toBeUndefined();
  });
});
