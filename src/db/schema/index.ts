export * from './connections';
export * from './foundation';
export * from './idempotency';
export * from './mapping';
export * from './rate-limits';
export * from './utilization';
export * from './webhooks';
