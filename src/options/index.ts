export * from './option-checks';
