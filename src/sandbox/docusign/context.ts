/** Shared types of the simulator's Hono app. */
import type { ConnectDispatcher } from './connect-delivery';
import type { ReminderRecord } from './due-events';
import type { FaultController } from './faults';
import type { AccessGrant, OAuthStore } from './oauth-store';
import type { RateLimiter } from './rate-limit';
import type { RequestLog, SimApi } from './request-log';
import type { SimAccount, SimMembership, SimState } from './state';

/** Everything route handlers need; one per simulator instance. */
export interface SimContext {
  state: SimState;
  origin: string;
  now: () => number;
  oauth: OAuthStore;
  rateLimiter: RateLimiter;
  faults: FaultController;
  log: RequestLog;
  connect: ConnectDispatcher;
  /** How eSignature `nextUri`/`previousUri` are written (see SimulatorOptions.nextUriStyle). */
  nextUriStyle: 'relative' | 'absolute';
  /** Embedded signing sessions created by `views/recipient`, by token. */
  signingSessions: Map<string, SigningSession>;
  /** Sender, edit and correct views created by `views/sender|edit|correct`, by token. */
  consoleSessions: Map<string, ConsoleSession>;
  /** Reminder emails that fell due (see due-events.ts). */
  reminders: ReminderRecord[];
}

/** One sender/edit/correct view URL (single use, short-lived). */
export interface ConsoleSession {
  kind: 'sender' | 'edit' | 'correct';
  accountId: string;
  envelopeId: string;
  returnUrl: string;
  expiresMs: number;
  stage: 'new' | 'opened' | 'done';
}

/** One embedded signing URL (single use, short-lived). */
export interface SigningSession {
  accountId: string;
  envelopeId: string;
  recipientId: string;
  returnUrl: string;
  expiresMs: number;
  /** new: URL not opened yet; opened: signing page shown; done: finished (the URL works once). */
  stage: 'new' | 'opened' | 'done';
}

export interface SimVariables {
  api: SimApi;
  grant: AccessGrant;
  account: SimAccount;
  membership: SimMembership;
  grantType: string;
  fault: 'latency' | 'error' | 'rate_limit_storm' | 'reset' | 'slow_body';
}

export type SimEnv = { Variables: SimVariables };
