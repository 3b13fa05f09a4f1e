import { toErrorInfo } from '../../../src/server/error-info';

describe('toErrorInfo', () => {
  it('keeps name, message and stack of Errors', () => {
    const error = new TypeError('bad');
    expect(toErrorInfo(error)).toEqual({ name: 'TypeError', message: 'bad', stack: error.stack });
  });

  it.each([
    ['text', 'the handler threw a non-Error value: "text"'],
    [42, 'the handler threw a non-Error value: 42'],
    [undefined, 'the handler threw a non-Error value: undefined'],
    [{ code: 1 }, 'the handler threw a non-Error value: {"code":1}'],
  ])('describes a thrown %p', (value, message) => {
    expect(toErrorInfo(value)).toEqual({ name: 'NonErrorThrown', message });
  });

  it('survives values that cannot be stringified and bounds long messages', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(toErrorInfo(circular).message).toContain('[object Object]');
    expect(toErrorInfo(new Error('x'.repeat(10_000))).message).toHaveLength(4_000);
  });
});
