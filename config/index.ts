// The one place that reads the environment. Every process parses it at start-up and stops with one line
// naming the variable and what is wrong.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/[^/]+/.test(value), 'must be a postgresql://user@host:port/database URL');

const hostAndPort = z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');

const optionalText = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const dayList = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'must be whole numbers separated by commas, e.g. 3,1')
  .transform((value) => value.split(',').map(Number));

const dateList = z
  .string()
  .regex(/^\s*(\d{4}-\d{2}-\d{2}(\s*,\s*\d{4}-\d{2}-\d{2})*)?\s*$/, 'must be YYYY-MM-DD dates separated by commas')
  .transform((value) => value.split(',').map((date) => date.trim()).filter(Boolean));

/**
 * Express's `trust proxy`: `false`, a hop count, or the proxies' addresses (`loopback`, `10.0.0.0/8`, …).
 * `true` (trust every hop) is refused: then any caller could choose its own address by sending X-Forwarded-For.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((value, context): false | number | string[] => {
    if (value === '' || value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
    const named = ['loopback', 'linklocal', 'uniquelocal'];
    const bad = entries.filter((entry) => !named.includes(entry) && !isIP(entry.split('/')[0] ?? ''));
    if (value === 'true' || bad.length > 0 || entries.length === 0) {
      context.addIssue({
        code: 'custom',
        message: 'must be false, a number of proxy hops, or the proxies\' addresses (loopback, linklocal, uniquelocal, IPs or CIDRs, comma-separated); true would let any caller set its own address',
      });
      return z.NEVER;
    }
    return entries;
  });

function ed25519Pem(value: string, kind: 'private' | 'public'): boolean {
  try {
    const pem = value.replace(/\\n/g, '\n');
    return (kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem)).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3000),

  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),

  TEMPORAL_ADDRESS: hostAndPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('inspection-cases'),
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_TLS_CA_PATH: optionalText,
  TEMPORAL_API_KEY: optionalText,

  // Case deadlines (R12, R13, R16). A "day" is CASE_DAY_SECONDS long: 86400 in production, seconds in tests.
  CASE_DAY_SECONDS: z.coerce.number().positive().default(86_400),
  CASE_DEFAULT_RECTIFICATION_DAYS: z.coerce.number().int().min(1).max(365).default(15),
  CASE_RECTIFICATION_DAY_KIND: z.enum(['calendar', 'working']).default('working'),
  CASE_REMINDER_DAYS_BEFORE: dayList.default([3, 1]),
  CASE_REVISIT_LIMIT_DAYS: z.coerce.number().int().min(1).max(90).default(5),
  CASE_LEADERSHIP_ESCALATION_DAYS: z.coerce.number().int().min(1).max(90).default(3),
  CASE_PUBLICATION_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  CASE_HOLIDAYS: dateList.default([]),
  CASE_WORKING_WEEKENDS: dateList.default([]),

  // Public credit platform (R17) and the notification webhook; unset means not connected.
  CREDIT_PLATFORM_URL: z.url('must be an http(s) URL').optional(),
  CREDIT_PLATFORM_SECRET: optionalText,
  CREDIT_RETRY_MAX_INTERVAL_SECONDS: z.coerce.number().positive().default(3_600),
  NOTIFICATION_WEBHOOK_URL: z.url('must be an http(s) URL').optional(),

  // Seals each draw's seed from commitment to the run (R8, R20): 64 hex digits, from the secret store; never committed.
  DRAW_SEED_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits (32 bytes)').optional(),

  // Sign-in (R18). The secret signs access tokens: at least 32 characters, never committed.
  AUTH_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  // Behind a reverse proxy the caller's address is in X-Forwarded-For, which only a trusted proxy may set.
  TRUST_PROXY: trustProxy.default(false),
  // The audit chain's checkpoints (R20): signed with an Ed25519 key kept out of the database (PEM, or a file),
  // by the worker; the API needs only the public key. Both default to files under DATA_DIR that `npm start` makes.
  AUDIT_SIGNING_KEY: optionalText.refine((value) => value === undefined || ed25519Pem(value, 'private'), 'must be an Ed25519 private key in PEM'),
  AUDIT_SIGNING_KEY_FILE: optionalText,
  AUDIT_PUBLIC_KEY: optionalText.refine((value) => value === undefined || ed25519Pem(value, 'public'), 'must be an Ed25519 public key in PEM'),
  AUDIT_CHECKPOINT_FILE: optionalText,
  AUDIT_CHECKPOINT_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(1_440),
  // R7's thresholds are set by law and may change ("法律法规有其他规定的，从其规定").
  PARTICIPATION_MIN_OFFICERS_SHARE: z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0.8),
  PARTICIPATION_MIN_TASK_SHARE: z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0.2),
  CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .default([]),
  WORKER_METRICS_PORT: port.optional(),
  // Workflows kept in the worker's memory between tasks; one evicted is replayed from its history when it next
  // has work. Bounds the worker's memory (issue 5): a case's state is small, its share of the workflow thread's
  // heap is not. A real case is touched days apart, so it is replayed whatever the size; 100 holds every case
  // that 50 officers work on at once (bench/cases 1,000 x 50: peak RSS 437 MB at 200, 395 MB at 100).
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(100),
  // The worker's V8 old-space limit, given by `npm start` as --max-old-space-size (it cannot be set once Node
  // runs). With Node's default (a quarter of this machine's memory) V8 let the heap grow to ~200 MB of mostly
  // garbage during bursts; bench/cases 2,000 x 50 peaked at 479 MB RSS, and at 334 MB with a limit of 160.
  // The live heap after a collection stayed under 80 MB at 50 clients.
  WORKER_HEAP_LIMIT_MB: z.coerce.number().int().min(96, 'at least 96').default(192),
  // The API's, likewise. Its heaviest answers (a draw's freeze and verification at a million entities) keep their
  // rows in buffers outside the heap; with Node's default limit the garbage they leave grew the API to 1.2 GB
  // (bench/draw, 2026-12-06), with a limit it is collected on the way.
  API_HEAP_LIMIT_MB: z.coerce.number().int().min(96, 'at least 96').default(256),

  // Embedded defaults used by `npm start` when DATABASE_URL / TEMPORAL_ADDRESS are not given.
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: port.default(5433),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
});

export type Config = z.infer<typeof envSchema>;
export type ConnectedConfig = Config & { DATABASE_URL: string; TEMPORAL_ADDRESS: string; DRAW_SEED_KEY: string };
export type ApiConfig = ConnectedConfig & { AUTH_TOKEN_SECRET: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function describe(issue: z.core.$ZodIssue, env: NodeJS.ProcessEnv): string {
  const variable = issue.path.join('.');
  const given = env[variable];
  // A secret's value is never echoed, even when it is wrong.
  if (given === undefined || /SECRET|KEY|PASSWORD/.test(variable)) return `${variable}: ${issue.message}`;
  return `${variable}=${JSON.stringify(given)}: ${issue.message}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Configuration error: ${parsed.error.issues.map((issue) => describe(issue, env)).join('; ')}`);
  }
  const config = parsed.data;
  if (config.CREDIT_PLATFORM_URL && !config.CREDIT_PLATFORM_SECRET) {
    throw new ConfigError('Configuration error: CREDIT_PLATFORM_SECRET must be set with CREDIT_PLATFORM_URL (pushes are signed)');
  }
  if (Boolean(config.TEMPORAL_TLS_CERT_PATH) !== Boolean(config.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError('Configuration error: TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
  }
  return config;
}

/** For the worker and the API, which connect to a database and a Temporal server they are given. */
export function loadConnectedConfig(env: NodeJS.ProcessEnv = process.env): ConnectedConfig {
  const config = loadConfig(env);
  const missing = (['DATABASE_URL', 'TEMPORAL_ADDRESS'] as const).filter((name) => !config[name]);
  if (missing.length === 0 && !config.DRAW_SEED_KEY) {
    throw new ConfigError('Configuration error: DRAW_SEED_KEY not set (64 hex digits that seal draw seeds; `npm start` makes one for development)');
  }
  if (missing.length > 0) {
    throw new ConfigError(
      `Configuration error: ${missing.join(' and ')} not set (\`npm start\` sets them for its embedded services; ` +
        'set them to run this process on its own)',
    );
  }
  return config as ConnectedConfig;
}

/** The API also signs access tokens, so it needs the secret. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const config = loadConnectedConfig(env);
  if (!config.AUTH_TOKEN_SECRET) {
    throw new ConfigError('Configuration error: AUTH_TOKEN_SECRET not set (at least 32 random characters; `npm start` makes one for development)');
  }
  return config as ApiConfig;
}

/** Prints a start-up failure as one line and exits: configuration and connection errors are not bugs. */
export function exitOnStartupError(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  console.error(message.split('\n')[0]);
  process.exit(1);
}
