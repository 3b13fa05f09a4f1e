import {
  DuplicateJobTypeError,
  InvalidOptionsError,
  UnknownJobTypeError,
} from '../../../src/errors';
import { Job, jobClassFor, jobTypeOf, registeredJobTypes, type IJob } from '../../../src/jobs';

@Job('decorator-test.send-email')
class SendEmailJob implements IJob {
  constructor(readonly to: string = '') {}
}

class UndecoratedJob implements IJob {}

describe('@Job', () => {
  it('records the stable name on the class and in the registry', () => {
    expect(jobTypeOf(SendEmailJob)).toBe('decorator-test.send-email');
    expect(jobTypeOf(new SendEmailJob('a@b.c'))).toBe('decorator-test.send-email');
    expect(jobClassFor('decorator-test.send-email')).toBe(SendEmailJob);
    expect(registeredJobTypes()).toContain('decorator-test.send-email');
    expect(jobClassFor('decorator-test.nothing')).toBeUndefined();
  });

  it('is idempotent for the same class and name', () => {
    expect(() => Job('decorator-test.send-email')(SendEmailJob)).not.toThrow();
    expect(registeredJobTypes().filter((t) => t === 'decorator-test.send-email')).toHaveLength(1);
  });

  it('throws DuplicateJobTypeError when another class takes a used name', () => {
    let error: unknown;
    try {
      @Job('decorator-test.send-email')
      class Impostor implements IJob {}
      void Impostor;
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DuplicateJobTypeError);
    expect(error).toMatchObject({
      jobType: 'decorator-test.send-email',
      existingClassName: 'SendEmailJob',
      newClassName: 'Impostor',
    });
    expect(jobClassFor('decorator-test.send-email')).toBe(SendEmailJob);
  });

  it('refuses a second, different name for the same class', () => {
    expect(() => Job('decorator-test.renamed')(SendEmailJob)).toThrow(
      new InvalidOptionsError(
        "SendEmailJob is already decorated with @Job('decorator-test.send-email'); it cannot also be 'decorator-test.renamed'",
      ),
    );
    expect(jobClassFor('decorator-test.renamed')).toBeUndefined();
  });

  it.each<[unknown]>([
    [''],
    ['1starts-with-digit'],
    ['_underscore'],
    ['has space'],
    ['slash/name'],
    ['a'.repeat(201)],
    [undefined],
    [42],
  ])('rejects the name %p', (name) => {
    expect(() => Job(name as string)).toThrow(InvalidOptionsError);
    expect(() => Job(name as string)).toThrow(/^@Job name must be 1 to 200 characters/);
  });

  it.each([['a'], ['Email.Send:v2'], ['x_y-z.1'], ['a'.repeat(200)]])(
    'accepts the name %p',
    (name) => {
      expect(() => Job(name)).not.toThrow();
    },
  );

  it('does not treat a subclass of a job class as that job', () => {
    class SpecialEmailJob extends SendEmailJob {}
    expect(() => jobTypeOf(SpecialEmailJob)).toThrow(
      "SpecialEmailJob is not a job class: decorate it with @Job('stable.name')",
    );

    @Job('decorator-test.special-email')
    class DecoratedSpecial extends SendEmailJob {}
    expect(jobTypeOf(new DecoratedSpecial())).toBe('decorator-test.special-email');
    expect(jobTypeOf(SendEmailJob)).toBe('decorator-test.send-email');
  });
});

describe('jobTypeOf', () => {
  it.each<[string, unknown, string]>([
    [
      'an undecorated class',
      UndecoratedJob,
      "UndecoratedJob is not a job class: decorate it with @Job('stable.name')",
    ],
    [
      'an instance of an undecorated class',
      new UndecoratedJob(),
      "UndecoratedJob is not a job class: decorate it with @Job('stable.name')",
    ],
    [
      'a plain object',
      { to: 'a@b.c' },
      "A plain object is not a job: create an instance of a class decorated with @Job('stable.name')",
    ],
    [
      'a null-prototype object',
      Object.create(null),
      "A plain object is not a job: create an instance of a class decorated with @Job('stable.name')",
    ],
    [
      'null',
      null,
      "null is not a job: pass an instance of a class decorated with @Job('stable.name')",
    ],
    [
      'a string',
      'email.send',
      `"email.send" is not a job: pass an instance of a class decorated with @Job('stable.name')`,
    ],
    [
      'an array',
      [],
      "an array of length 0 is not a job: pass an instance of a class decorated with @Job('stable.name')",
    ],
  ])('throws UnknownJobTypeError for %s', (_label, value, message) => {
    expect(() => jobTypeOf(value as object)).toThrow(new UnknownJobTypeError(message));
    expect(() => jobTypeOf(value as object)).toThrow(UnknownJobTypeError);
  });
});

describe('jobTypeOf with objects that throw when inspected', () => {
  it('throws UnknownJobTypeError, keeping the cause, for a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    let error: unknown;
    try {
      jobTypeOf(proxy);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(UnknownJobTypeError);
    expect((error as Error).message).toMatch(/could not be inspected.*revoked/);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });
});
