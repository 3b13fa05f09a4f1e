/**
 * The jobs bad input is aimed at (loaded in the runner, so that the dashboard's enqueue
 * knows their types): one with a validated payload, one that takes anything.
 */
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Job, type IJob } from '../../../src';

/** A payload with rules on every field. */
@Job('faults.input')
export class InputJob implements IJob {
  @IsEmail() email!: string;
  @IsInt() @Min(1) @Max(100) count!: number;
  @IsString() @MaxLength(20) label!: string;
  @IsArray() @ArrayMaxSize(5) @IsString({ each: true }) tags!: string[];
}

/** A payload without rules: only what storage can hold limits it. */
@Job('faults.anything')
export class AnythingJob implements IJob {
  @Allow() data!: unknown;
}

/** The fields of a valid {@link InputJob}. */
export const VALID_INPUT = {
  email: 'ada@example.com',
  count: 7,
  label: 'valid',
  tags: ['a', 'b'],
} as const;

export const validInput = (): InputJob =>
  Object.assign(new InputJob(), { ...VALID_INPUT, tags: [...VALID_INPUT.tags] });

/** A class that is not a job (no `@Job`). */
export class NotAJob {
  email = VALID_INPUT.email;
}
