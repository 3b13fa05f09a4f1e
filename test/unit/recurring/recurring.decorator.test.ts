import { IsInt, IsString } from 'class-validator';
import { RECURRING_METADATA } from '../../../src/constants';
import { InvalidCronExpressionError, InvalidOptionsError } from '../../../src/errors';
import { JobHandler, type IJobHandler } from '../../../src/handlers';
import { Job, type IJob } from '../../../src/jobs';
import {
  Recurring,
  decoratedRecurringClasses,
  recurringDeclarationsOf,
  type RecurringDeclarationOptions,
} from '../../../src/recurring';

@Recurring('decorator-test.nightly', '30 2 * * *', {
  timeZone: 'Europe/Berlin',
  payload: { kind: 'nightly' },
})
@Recurring('decorator-test.hourly', '0 * * * *')
@Job('decorator-test.report')
class ReportJob implements IJob {
  @IsString() kind = 'default';
}

@Job('decorator-test.cleanup')
class CleanupJob implements IJob {
  @IsInt() days = 30;
}

@JobHandler(CleanupJob)
@Recurring('decorator-test.cleanup', '0 0 4 * * *', {
  queue: 'maintenance',
  missedRunPolicy: 'skip',
})
class CleanupHandler implements IJobHandler<CleanupJob> {
  async handle(): Promise<void> {}
}

function decorate(id: string, cron: string, options?: RecurringDeclarationOptions): void {
  @Recurring(id, cron, options)
  class Somewhere {}
  void Somewhere;
}

describe('@Recurring', () => {
  it('records its declarations as metadata only, in decoration order', () => {
    expect(recurringDeclarationsOf(ReportJob)).toEqual([
      { id: 'decorator-test.hourly', cron: '0 * * * *', options: {}, payload: {} },
      {
        id: 'decorator-test.nightly',
        cron: '30 2 * * *',
        options: { timeZone: 'Europe/Berlin' },
        payload: { kind: 'nightly' },
      },
    ]);
    expect(Reflect.getOwnMetadata(RECURRING_METADATA, ReportJob)).toHaveLength(2);
    expect(Object.isFrozen(recurringDeclarationsOf(ReportJob)[1].payload)).toBe(true);
  });

  it('works on a handler class, whichever decorator comes first', () => {
    expect(recurringDeclarationsOf(CleanupHandler)).toEqual([
      {
        id: 'decorator-test.cleanup',
        cron: '0 0 4 * * *',
        options: { queue: 'maintenance', missedRunPolicy: 'skip' },
        payload: {},
      },
    ]);
  });

  it('lists each decorated class once', () => {
    const classes = decoratedRecurringClasses();
    expect(classes.filter((c) => c === ReportJob)).toHaveLength(1);
    expect(classes).toContain(CleanupHandler);
  });

  it('a class without @Recurring declares nothing, and a subclass inherits nothing', () => {
    class Sub extends ReportJob {}
    expect(recurringDeclarationsOf(CleanupJob)).toEqual([]);
    expect(recurringDeclarationsOf(Sub)).toEqual([]);
  });

  it('refuses a malformed id, option or payload when the class is defined', () => {
    expect(() => decorate('a b', '* * * * *')).toThrow(InvalidOptionsError);
    expect(() => decorate('a b', '* * * * *')).toThrow(/^@Recurring\("a b"\): id must be/);
    expect(() => decorate('ok', '* * * * *', { timeZone: 'Nowhere/Land' })).toThrow(
      /@Recurring\("ok"\): timeZone must be an IANA time zone name/,
    );
    expect(() =>
      decorate('ok', '* * * * *', { queues: 'x' } as unknown as RecurringDeclarationOptions),
    ).toThrow(/unknown option 'queues'/);
    expect(() =>
      decorate('ok', '* * * * *', { payload: [] as unknown as Record<string, unknown> }),
    ).toThrow(/payload must be a plain object/);
  });

  it('refuses an invalid cron expression when the class is defined', () => {
    expect(() => decorate('ok', '* * 32 * *')).toThrow(InvalidCronExpressionError);
  });

  it('refuses the same id twice on one class', () => {
    expect(() => {
      @Recurring('twice', '* * * * *')
      @Recurring('twice', '0 * * * *')
      class Twice {}
      void Twice;
    }).toThrow(/@Recurring\("twice"\) is declared twice on Twice/);
  });
});
