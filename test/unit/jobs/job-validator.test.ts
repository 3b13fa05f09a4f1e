import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsNotEmpty, IsString, Min, ValidateNested } from 'class-validator';
import { JobValidationError } from '../../../src/errors';
import { Job, validateJob, type IJob } from '../../../src/jobs';

class Address {
  @IsNotEmpty()
  city = 'Paris';
}

class LineItem {
  @IsString()
  @IsNotEmpty()
  sku = '';

  @IsInt()
  @Min(1)
  quantity = 1;
}

@Job('validator-test.send-email')
class SendEmailJob implements IJob {
  @IsEmail()
  to = 'someone@example.com';

  @IsString()
  subject: unknown = 'Hello';

  @ValidateNested()
  @Type(() => Address)
  address = new Address();

  @ValidateNested({ each: true })
  @Type(() => LineItem)
  items: LineItem[] = [];
}

@Job('validator-test.no-rules')
class NoRulesJob implements IJob {
  anything: unknown = { whatever: true };
}

async function issuesOf(job: IJob): Promise<JobValidationError> {
  try {
    await validateJob(job, 'validator-test.send-email');
  } catch (error) {
    expect(error).toBeInstanceOf(JobValidationError);
    return error as JobValidationError;
  }
  throw new Error('expected a JobValidationError');
}

function lineItem(sku: string, quantity: number): LineItem {
  return Object.assign(new LineItem(), { sku, quantity });
}

describe('validateJob', () => {
  it('passes a valid job', async () => {
    const job = Object.assign(new SendEmailJob(), { items: [lineItem('A', 2)] });
    await expect(validateJob(job, 'validator-test.send-email')).resolves.toBeUndefined();
  });

  it('passes a job class with no class-validator rules', async () => {
    await expect(validateJob(new NoRulesJob(), 'validator-test.no-rules')).resolves.toBeUndefined();
  });

  it('reports every issue, nested ones with dotted paths and bracketed indexes', async () => {
    const job = Object.assign(new SendEmailJob(), {
      to: 'not-an-email',
      subject: 42,
      address: Object.assign(new Address(), { city: '' }),
      items: [lineItem('A', 1), lineItem('', 0)],
    });
    const error = await issuesOf(job);
    expect(error.jobType).toBe('validator-test.send-email');
    expect(error.issues).toEqual([
      { path: 'to', constraints: { isEmail: 'to must be an email' }, value: 'not-an-email' },
      { path: 'subject', constraints: { isString: 'subject must be a string' }, value: 42 },
      { path: 'address.city', constraints: { isNotEmpty: 'city should not be empty' }, value: '' },
      { path: 'items[1].sku', constraints: { isNotEmpty: 'sku should not be empty' }, value: '' },
      {
        path: 'items[1].quantity',
        constraints: { min: 'quantity must not be less than 1' },
        value: 0,
      },
    ]);
    expect(error.message).toBe(
      "Invalid payload for job type 'validator-test.send-email': to: to must be an email; " +
        'subject: subject must be a string; address.city: city should not be empty; ' +
        'items[1].sku: sku should not be empty; items[1].quantity: quantity must not be less than 1',
    );
  });

  it('brackets indexes of any length, and only those of arrays', async () => {
    const items = Array.from({ length: 11 }, () => lineItem('A', 1));
    items[10] = lineItem('', 1);
    const error = await issuesOf(Object.assign(new SendEmailJob(), { items }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['items[10].sku']);

    @Job('validator-test.keyed')
    class KeyedJob implements IJob {
      @ValidateNested({ each: true })
      byWarehouse = new Map<string, LineItem>();
    }
    const keyed = new KeyedJob();
    keyed.byWarehouse.set('7', lineItem('A', 0));
    const keyedError = await issuesOf(keyed);
    expect(keyedError.issues.map((issue) => issue.path)).toEqual(['byWarehouse.7.quantity']);
  });

  it('reports a nested plain object (a forgotten @Type) at its own path', async () => {
    const job = Object.assign(new SendEmailJob(), { address: { city: 'Lyon' } });
    const error = await issuesOf(job);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0].path).toBe('address');
    expect(Object.keys(error.issues[0].constraints)).toEqual(['unknownValue']);
  });

  it('reports a nested value that is not an object', async () => {
    const job = Object.assign(new SendEmailJob(), { address: 'Lyon' });
    const error = await issuesOf(job);
    expect(error.issues.map((issue) => issue.path)).toEqual(['address']);
    expect(error.issues[0].constraints).toEqual({
      nestedValidation: 'nested property address must be either object or array',
    });
  });
});

describe('validateJob with fields that hide or break the rules', () => {
  it('refuses an own constructor field, which would hide the class from class-validator', async () => {
    for (const shadow of ['x', null, {}]) {
      const job = Object.assign(new SendEmailJob(), { to: 'not-an-email', constructor: shadow });
      const error = await issuesOf(job);
      expect(error.issues).toEqual([
        {
          path: 'constructor',
          constraints: {
            notShadowingClass:
              "a field named 'constructor' hides the job's class, and with it every validation rule; rename the field",
          },
        },
      ]);
    }
  });

  it('reports a decorated accessor that throws as an issue, keeping the cause', async () => {
    const cause = new Error('not loaded');
    @Job('validator-test.accessor')
    class AccessorJob implements IJob {
      @IsString()
      get name(): string {
        throw cause;
      }
    }
    const error = await issuesOf(new AccessorJob());
    expect(error.issues).toEqual([
      { path: '(root)', constraints: { readable: 'reading the job threw: not loaded' } },
    ]);
    expect(error.cause).toBe(cause);
  });
});
