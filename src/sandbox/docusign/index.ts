/** Public entry of the DocuSign simulator. */

export type {
  ConnectDelivery,
  ConnectDispatcher,
  ConnectOptions,
  ConnectRetryOptions,
} from './connect-delivery';
export { connectSignature } from './connect-delivery';
export type { ClockAdvance, ReminderRecord } from './due-events';
export type { ConnectEvent } from './envelope-lifecycle';
export type { FaultController, FaultRule } from './faults';
export type { IssuedTokens, SimClient } from './oauth-store';
export type { RateLimitOptions } from './rate-limit';
export type { RequestLog, RequestLogEntry, RequestLogFilter, SimApi } from './request-log';
export type { SeedDefaults, SeedScale } from './seed';
export type {
  DocusignSimulator,
  LargeDocumentOptions,
  SimulatorActions,
  SimulatorOptions,
} from './simulator';
export { createDocusignSimulator } from './simulator';
export type { SimAccount, SimEnvelope, SimMembership, SimState, SimUser } from './state';
