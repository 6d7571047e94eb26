export * from './connections';
export * from './foundation';
export * from './mapping';
export * from './rate-limits';
export * from './utilization';
