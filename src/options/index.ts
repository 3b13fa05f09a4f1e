export * from './option-checks';
export * from './rate-limit-options';
