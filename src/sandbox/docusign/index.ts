/** Public entry of the DocuSign simulator. */

export type { ConnectDelivery, ConnectOptions } from './connect-delivery';
export { connectSignature } from './connect-delivery';
export type { FaultRule } from './faults';
export type { SimClient } from './oauth-store';
export type { RequestLogEntry, RequestLogFilter } from './request-log';
export type { SeedDefaults, SeedScale } from './seed';
export type { DocusignSimulator, SimulatorActions, SimulatorOptions } from './simulator';
export { createDocusignSimulator } from './simulator';
