/**
 * Command result types are checked by the compiler: see
 * test/unit/typing/fixtures/command-results.fixture.ts. What remains here is what they
 * leave at runtime.
 */
import { BaseCommand, DeleteJobCommand } from '../../../src/commands';

class Rename extends BaseCommand<{ renamed: boolean }> {}

describe('command result types', () => {
  it('adds nothing to command instances at runtime', () => {
    expect(Object.keys(new Rename())).toEqual([]);
    expect(Object.getOwnPropertySymbols(new Rename())).toEqual([]);
    expect(Object.keys(new DeleteJobCommand('42'))).toEqual(['jobId']);
  });
});
