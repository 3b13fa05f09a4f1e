export {
  OnEvent,
  Saga,
  decoratedSagaClasses,
  sagaReactionsOf,
  type SagaClass,
  type SagaReactionMetadata,
} from './saga.decorators';
export type {
  EventClass,
  SagaContext,
  SagaOutcome,
  SagaReaction,
  SagaReactionMethod,
} from './saga.interface';
export { SAGA_RUNNER, SagaRunner, type SagaRunnerOptions } from './saga-runner';
