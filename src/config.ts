import { z } from 'zod';

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const postgresUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must be a URL like postgres://user:password@host:5432/database');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'auto'], { error: 'must be true, false or auto' })
  .transform((value) => (value === 'auto' ? 'auto' : ['true', '1', 'yes'].includes(value)));

const positiveInt = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .positive('must be positive');

/** How fast the gateway sends one DocuSign account's calls; read by the Node entry and the Workers entry alike. */
const PacingEnvSchema = z.object({
  DOCUSIGN_REQUESTS_PER_SECOND: positiveInt.default(10),
  DOCUSIGN_BURST: positiveInt.default(20),
  DOCUSIGN_MAX_IN_FLIGHT: positiveInt.default(8),
});

/** Per-DocuSign-account pacing: token bucket (sustained rate, burst) and requests in flight. */
export interface DocusignPacing {
  refillPerSecond: number;
  bucketCapacity: number;
  maxConcurrent: number;
}

/** Who the hosted connect page says is asking for access. */
export interface ApplicationBranding {
  name: string;
  /** An https image URL shown beside the name. */
  logoUrl?: string | undefined;
}

/** The environment variables the gateway reads; every one is optional in local mode. */
const EnvSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  PUBLIC_URL: httpUrl.optional(),
  ENCRYPTION_KEYS: z.string().min(1).optional(),
  SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  DOCUSIGN_ENVIRONMENT: z
    .enum(['demo', 'production'], { error: 'must be demo or production' })
    .default('demo'),
  DOCUSIGN_CLIENT_ID: z.string().min(1).optional(),
  DOCUSIGN_CLIENT_SECRET: z.string().min(1).optional(),
  SANDBOX: booleanish.default('auto'),
  SANDBOX_PORT: port.default(4010),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  BODY_LIMIT_BYTES: positiveInt.default(10 * 1024 * 1024),
  RATE_LIMIT_REQUESTS: positiveInt.default(500),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(10),
  ...PacingEnvSchema.shape,
  APP_NAME: z.string().trim().min(1).max(80).optional(),
  APP_LOGO_URL: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
  WEBHOOKS_ALLOW_PRIVATE_URLS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((value) => ['true', '1', 'yes'].includes(value))
    .default(false),
  WEBHOOK_WORKER_INTERVAL_MS: positiveInt.default(1000),
  WEBHOOK_RETRY_BASE_MS: positiveInt.default(5000),
  WEBHOOK_LEASE_SECONDS: positiveInt.default(60),
  EVENTS_CONNECT_REGISTRATION: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((value) => ['true', '1', 'yes'].includes(value))
    .default(true),
  EVENTS_POLL_INTERVAL_SECONDS: z.coerce.number({ error: 'must be a number' }).int().min(0).default(300),
});

export type Env = z.infer<typeof EnvSchema>;

/** Validated runtime configuration. Secrets are filled in by the entry point (generated locally or required). */
export interface Config {
  /** How fast the gateway sends one DocuSign account's calls (raise it for accounts whose limits were raised). */
  docusignPacing: DocusignPacing;
  /** Shown on the hosted connect page as the application asking for access. */
  application: ApplicationBranding;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  encryptionKeys: string | undefined;
  signingSecret: string | undefined;
  docusign: {
    environment: 'demo' | 'production';
    clientId: string | undefined;
    clientSecret: string | undefined;
  };
  /** Run the built-in DocuSign simulator: on when asked, or `auto` when no DocuSign credentials are configured. */
  sandbox: boolean;
  sandboxPort: number;
  logLevel: Env['LOG_LEVEL'];
  bodyLimitBytes: number;
  rateLimit: { requests: number; windowSeconds: number };
  /** Outbound webhooks: private/loopback/http targets allowed (development), retry base, worker cadence, lease. */
  webhooks: {
    allowPrivateUrls: boolean;
    retry: { baseDelayMs: number };
    workerIntervalMs: number;
    leaseMs: number;
  };
  /** Envelope status polling per connection (the Connect fallback); 0 = off. */
  eventsPollIntervalSeconds: number;
  /** Register the gateway's DocuSign Connect configuration on read_write connections. */
  eventsConnectRegistration: boolean;
}

/** Raised for invalid configuration; `lines` holds one human-readable line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses environment variables into a Config, or throws ConfigError with one line per problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const e = parseEnv(EnvSchema, env);
  const hasCredentials = Boolean(e.DOCUSIGN_CLIENT_ID && e.DOCUSIGN_CLIENT_SECRET);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    encryptionKeys: e.ENCRYPTION_KEYS,
    signingSecret: e.SIGNING_SECRET,
    docusign: {
      environment: e.DOCUSIGN_ENVIRONMENT,
      clientId: e.DOCUSIGN_CLIENT_ID,
      clientSecret: e.DOCUSIGN_CLIENT_SECRET,
    },
    sandbox: e.SANDBOX === 'auto' ? !hasCredentials : e.SANDBOX,
    sandboxPort: e.SANDBOX_PORT,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    rateLimit: { requests: e.RATE_LIMIT_REQUESTS, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS },
    docusignPacing: pacingFrom(e),
    application: { name: e.APP_NAME ?? 'An application', logoUrl: e.APP_LOGO_URL },
    webhooks: {
      allowPrivateUrls: e.WEBHOOKS_ALLOW_PRIVATE_URLS,
      retry: { baseDelayMs: e.WEBHOOK_RETRY_BASE_MS },
      workerIntervalMs: e.WEBHOOK_WORKER_INTERVAL_MS,
      leaseMs: e.WEBHOOK_LEASE_SECONDS * 1000,
    },
    eventsPollIntervalSeconds: e.EVENTS_POLL_INTERVAL_SECONDS,
    eventsConnectRegistration: e.EVENTS_CONNECT_REGISTRATION,
  };
}

/**
 * Only the DocuSign pacing variables, for entry points that do not read the whole Config (the Workers entry); throws
 * ConfigError like `loadConfig`.
 */
export function loadDocusignPacing(env: object): DocusignPacing {
  return pacingFrom(parseEnv(PacingEnvSchema, env));
}

function pacingFrom(e: z.infer<typeof PacingEnvSchema>): DocusignPacing {
  return {
    refillPerSecond: e.DOCUSIGN_REQUESTS_PER_SECOND,
    bucketCapacity: e.DOCUSIGN_BURST,
    maxConcurrent: e.DOCUSIGN_MAX_IN_FLIGHT,
  };
}

/** Validates the string variables of `env` against `schema`, or throws ConfigError with one line per bad variable. */
function parseEnv<S extends z.ZodType>(schema: S, env: object): z.infer<S> {
  // Empty strings mean "unset", as in most .env tooling; bindings that are not strings (Workers) are not variables.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    ),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const received = name in cleaned && !isSecretName(name) ? ` (got "${cleaned[name]}")` : '';
      return `Invalid ${name}: ${issue.message}${received}`;
    });
    throw new ConfigError(lines);
  }
  return parsed.data;
}

function isSecretName(name: string): boolean {
  return /SECRET|KEY|PASSWORD|DATABASE_URL/.test(name);
}
