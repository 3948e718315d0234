/**
 * Every option Tessera reads, in one place: its type, default, environment variable and why.
 * `loadConfig` validates all of them at start-up and fails with one clear message; unsafe
 * settings are collected as warnings that the server logs once, loudly.
 * docs/configuration.md is written from this table.
 */
import { availableParallelism } from 'node:os';
import { TesseraError } from '../core/errors.js';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../core/model.js';

type Kind = 'string' | 'integer' | 'duration' | 'boolean' | 'enum';

interface OptionSpec {
  env: string;
  kind: Kind;
  default: string;
  doc: string;
  values?: readonly string[];
  min?: number;
}

export const OPTIONS = {
  host: { env: 'TESSERA_HOST', kind: 'string', default: '127.0.0.1', doc: 'Address to listen on.' },
  port: {
    env: 'TESSERA_PORT',
    kind: 'integer',
    default: '8080',
    min: 0,
    doc: 'TCP port (0 picks a free one).',
  },
  dataDir: {
    env: 'TESSERA_DATA_DIR',
    kind: 'string',
    default: './data',
    doc: 'Directory for the embedded SQLite database (tessera.db) and the master key file (master.key).',
  },
  databaseUrl: {
    env: 'TESSERA_DATABASE_URL',
    kind: 'string',
    default: '',
    doc: 'postgres://… to use PostgreSQL instead of the embedded SQLite store.',
  },
  issuer: {
    env: 'TESSERA_ISSUER',
    kind: 'string',
    default: '',
    doc: 'The `iss` of every token and the base of every published URL. Default: http://HOST:PORT.',
  },
  logLevel: {
    env: 'TESSERA_LOG_LEVEL',
    kind: 'enum',
    default: 'info',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    doc: 'pino log level.',
  },
  accessTokenLifetime: {
    env: 'TESSERA_ACCESS_TOKEN_LIFETIME',
    kind: 'duration',
    default: '10m',
    min: 10_000,
    doc: 'Lifetime of access tokens (e.g. 10m, 900s, 1h).',
  },
  tokenClaimsBudget: {
    env: 'TESSERA_TOKEN_CLAIMS_BUDGET',
    kind: 'integer',
    default: '1024',
    min: 256,
    doc: 'Bytes of claims JSON beyond which a token leaves out its `permissions` list (a tiny token: verifiers following the event stream resolve permissions from the role catalog; see docs/tokens.md).',
  },
  keyAlgorithm: {
    env: 'TESSERA_KEY_ALGORITHM',
    kind: 'enum',
    default: 'ES256',
    values: KEY_ALGORITHMS,
    doc: 'Algorithm of new signing keys: ES256, EdDSA (Ed25519) or RS256.',
  },
  keyRotationInterval: {
    env: 'TESSERA_KEY_ROTATION_INTERVAL',
    kind: 'duration',
    default: '30d',
    min: 3_600_000,
    doc: 'How long a signing key stays active before its successor takes over.',
  },
  keyPublishAhead: {
    env: 'TESSERA_KEY_PUBLISH_AHEAD',
    kind: 'duration',
    default: '24h',
    min: 0,
    doc: 'How long a new key is published in the JWKS before it signs anything.',
  },
  keyRetireGrace: {
    env: 'TESSERA_KEY_RETIRE_GRACE',
    kind: 'duration',
    default: '1h',
    min: 0,
    doc: 'How long a retired key stays published after the last token it signed has expired.',
  },
  tokenRateLimit: {
    env: 'TESSERA_TOKEN_RATE_LIMIT',
    kind: 'integer',
    default: '100000',
    min: 1,
    doc: 'Token requests per minute allowed per client.',
  },
  tokenFailureLimit: {
    env: 'TESSERA_TOKEN_FAILURE_LIMIT',
    kind: 'integer',
    default: '20',
    min: 1,
    doc: 'Failed client authentications per minute allowed per IP address and per client_id.',
  },
  workers: {
    env: 'TESSERA_WORKERS',
    kind: 'string',
    default: 'auto',
    doc: 'HTTP worker processes for `tessera serve`: a number, or `auto` for one per CPU core (os.availableParallelism, at most 8). Committed changes are relayed between workers at once; rate limits on failed authentications are split between them.',
  },
  trustProxy: {
    env: 'TESSERA_TRUST_PROXY',
    kind: 'boolean',
    default: 'false',
    doc: 'Trust X-Forwarded-For/-Proto (only behind a reverse proxy you run).',
  },
  eventRetention: {
    env: 'TESSERA_EVENT_RETENTION',
    kind: 'duration',
    default: '7d',
    min: 3_600_000,
    doc: 'How long event-log rows are kept (at least the longest token lifetime).',
  },
  refreshTokenLifetime: {
    env: 'TESSERA_REFRESH_TOKEN_LIFETIME',
    kind: 'duration',
    default: '30d',
    min: 60_000,
    doc: 'Absolute lifetime of a refresh-token family, from the sign-in that started it; rotation never extends it. Checked on use, so shortening it applies to tokens already issued.',
  },
  refreshTokenIdleLifetime: {
    env: 'TESSERA_REFRESH_TOKEN_IDLE_LIFETIME',
    kind: 'duration',
    default: '14d',
    min: 60_000,
    doc: 'A refresh token unused for this long expires (each rotation restarts it; at most TESSERA_REFRESH_TOKEN_LIFETIME).',
  },
  refreshTokenReuseGrace: {
    env: 'TESSERA_REFRESH_TOKEN_REUSE_GRACE',
    kind: 'duration',
    default: '10s',
    min: 0,
    doc: 'For how long after its rotation a refresh token may be presented once more by a client that lost the response, if its successor is still unused (docs/tokens.md). 0: any reuse revokes the family.',
  },
  sessionLifetime: {
    env: 'TESSERA_SESSION_LIFETIME',
    kind: 'duration',
    default: '12h',
    min: 60_000,
    doc: "Absolute lifetime of a sign-in on Tessera's pages (the session cookie), from the moment the user signed in.",
  },
  sessionIdleTimeout: {
    env: 'TESSERA_SESSION_IDLE_TIMEOUT',
    kind: 'duration',
    default: '1h',
    min: 60_000,
    doc: 'A page session unused for this long ends (at most TESSERA_SESSION_LIFETIME).',
  },
  invitationLifetime: {
    env: 'TESSERA_INVITATION_LIFETIME',
    kind: 'duration',
    default: '72h',
    min: 60_000,
    doc: 'How long an activation link from an invitation stays valid (single use; a newer invitation replaces it).',
  },
  passwordResetLifetime: {
    env: 'TESSERA_PASSWORD_RESET_LIFETIME',
    kind: 'duration',
    default: '1h',
    min: 60_000,
    doc: 'How long a password-reset link stays valid (single use; a newer one replaces it).',
  },
  smtpUrl: {
    env: 'TESSERA_SMTP_URL',
    kind: 'string',
    default: '',
    doc: 'smtp://user:pass@host:587 or smtps://… to mail invitation and reset links; empty: links are returned by the admin API and printed by the CLI instead, and /reset mails nothing.',
  },
  mailFrom: {
    env: 'TESSERA_MAIL_FROM',
    kind: 'string',
    default: '',
    doc: 'From address of Tessera\'s mails (required with TESSERA_SMTP_URL), e.g. "Tessera <id@example.com>".',
  },
  loginRateLimit: {
    env: 'TESSERA_LOGIN_RATE_LIMIT',
    kind: 'integer',
    default: '20',
    min: 1,
    doc: 'Password form posts (login, activation, reset) per minute allowed per IP address, on top of the per-account lockout (5 failures lock an account for 1 min, doubling up to 1 h).',
  },
  deviceCodeLifetime: {
    env: 'TESSERA_DEVICE_CODE_LIFETIME',
    kind: 'duration',
    default: '10m',
    min: 10_000,
    doc: 'How long a device authorization (RFC 8628: `tessera login`, TVs, CLIs) waits for the user to enter and approve its code (`expires_in`).',
  },
  deviceCodeInterval: {
    env: 'TESSERA_DEVICE_CODE_INTERVAL',
    kind: 'duration',
    default: '5s',
    min: 1000,
    doc: "Minimum time between a device's polls of the token endpoint (RFC 8628 `interval`, whole seconds); a device polling faster is told `slow_down` and its interval grows by 5 s.",
  },
  deviceRateLimit: {
    env: 'TESSERA_DEVICE_RATE_LIMIT',
    kind: 'integer',
    default: '30',
    min: 1,
    doc: 'Device authorization requests per minute allowed per IP address (each stores a pending authorization).',
  },
  deviceVerifyLimit: {
    env: 'TESSERA_DEVICE_VERIFY_LIMIT',
    kind: 'integer',
    default: '10',
    min: 1,
    doc: 'Wrong user codes allowed on the /device page per 10 minutes, per session and per IP address (against guessing codes).',
  },
} as const satisfies Record<string, OptionSpec>;

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  issuer: string;
  /** True when the issuer was derived from host and port (so port 0 must be resolved first). */
  issuerDerived: boolean;
  logLevel: string;
  accessTokenLifetimeMs: number;
  tokenClaimsBudget: number;
  keyAlgorithm: KeyAlgorithm;
  keyRotationIntervalMs: number;
  keyPublishAheadMs: number;
  keyRetireGraceMs: number;
  tokenRateLimit: number;
  tokenFailureLimit: number;
  /** Worker processes for `serve` (1: the server runs in the process itself). */
  workers: number;
  trustProxy: boolean;
  eventRetentionMs: number;
  refreshTokenLifetimeMs: number;
  refreshTokenIdleLifetimeMs: number;
  refreshTokenReuseGraceMs: number;
  sessionLifetimeMs: number;
  sessionIdleTimeoutMs: number;
  invitationLifetimeMs: number;
  passwordResetLifetimeMs: number;
  /** null: no mail; links are handed back instead. */
  smtpUrl: string | null;
  mailFrom: string;
  loginRateLimit: number;
  deviceCodeLifetimeMs: number;
  deviceCodeIntervalMs: number;
  deviceRateLimit: number;
  deviceVerifyLimit: number;
  /** Unsafe settings, logged once at start. */
  warnings: string[];
}

const MAX_WORKERS = 8;

function workerCount(raw: string, errors: string[]): number {
  if (raw === 'auto') return Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
  if (/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 64) return Number(raw);
  errors.push(`TESSERA_WORKERS=${JSON.stringify(raw)} must be auto or a number from 1 to 64`);
  return 1;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `24h`, `30d`, `250ms`, or a bare number of seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000);
}

type Raw = Partial<Record<keyof typeof OPTIONS, string | number | boolean>>;

/**
 * Reads options from (highest first) the environment, the JSON config file named by
 * TESSERA_CONFIG (keys as in OPTIONS), then defaults.
 */
export function loadConfig(env: Record<string, string | undefined>, file: Raw = {}): Config {
  const errors: string[] = [];
  const read = (key: keyof typeof OPTIONS): string => {
    const spec: OptionSpec = OPTIONS[key];
    const value = env[spec.env] ?? file[key];
    return value === undefined ? spec.default : String(value);
  };
  const integer = (key: keyof typeof OPTIONS): number => {
    const spec: OptionSpec = OPTIONS[key];
    const raw = read(key);
    const n = spec.kind === 'duration' ? parseDuration(raw) : /^\d+$/.test(raw) ? Number(raw) : undefined;
    if (n === undefined || !Number.isSafeInteger(n) || n < (spec.min ?? 0)) {
      errors.push(
        `${spec.env}=${JSON.stringify(raw)} is not a valid ${spec.kind}${spec.min ? ` (minimum ${spec.min})` : ''}`,
      );
      return 0;
    }
    return n;
  };
  const choice = <T extends string>(key: keyof typeof OPTIONS): T => {
    const spec: OptionSpec = OPTIONS[key];
    const raw = read(key);
    if (!spec.values?.includes(raw)) errors.push(`${spec.env} must be one of ${spec.values?.join(', ')}`);
    return raw as T;
  };
  const bool = (key: keyof typeof OPTIONS): boolean => {
    const raw = read(key);
    if (!['true', 'false', '1', '0'].includes(raw)) errors.push(`${OPTIONS[key].env} must be true or false`);
    return raw === 'true' || raw === '1';
  };

  const host = read('host');
  const port = integer('port');
  if (port > 65_535) errors.push('TESSERA_PORT must be at most 65535');
  const warnings: string[] = [];
  let issuer = read('issuer');
  const issuerDerived = issuer === '';
  if (issuerDerived) issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  try {
    const url = new URL(issuer);
    if (url.search || url.hash) errors.push('TESSERA_ISSUER must not have a query or fragment (RFC 8414 §2)');
    if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      warnings.push(`issuer ${issuer} is not https: tokens and secrets would cross the network in clear`);
    }
    issuer = issuer.replace(/\/+$/, '');
  } catch {
    errors.push(`TESSERA_ISSUER=${JSON.stringify(issuer)} is not an absolute URL`);
  }
  const databaseUrl = read('databaseUrl') || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    errors.push('TESSERA_DATABASE_URL must start with postgres://');

  const config: Config = {
    host,
    port,
    dataDir: read('dataDir'),
    databaseUrl,
    issuer,
    issuerDerived,
    logLevel: choice('logLevel'),
    accessTokenLifetimeMs: integer('accessTokenLifetime'),
    tokenClaimsBudget: integer('tokenClaimsBudget'),
    keyAlgorithm: choice<KeyAlgorithm>('keyAlgorithm'),
    keyRotationIntervalMs: integer('keyRotationInterval'),
    keyPublishAheadMs: integer('keyPublishAhead'),
    keyRetireGraceMs: integer('keyRetireGrace'),
    tokenRateLimit: integer('tokenRateLimit'),
    tokenFailureLimit: integer('tokenFailureLimit'),
    workers: workerCount(read('workers'), errors),
    trustProxy: bool('trustProxy'),
    eventRetentionMs: integer('eventRetention'),
    refreshTokenLifetimeMs: integer('refreshTokenLifetime'),
    refreshTokenIdleLifetimeMs: integer('refreshTokenIdleLifetime'),
    refreshTokenReuseGraceMs: integer('refreshTokenReuseGrace'),
    sessionLifetimeMs: integer('sessionLifetime'),
    sessionIdleTimeoutMs: integer('sessionIdleTimeout'),
    invitationLifetimeMs: integer('invitationLifetime'),
    passwordResetLifetimeMs: integer('passwordResetLifetime'),
    smtpUrl: read('smtpUrl') || null,
    mailFrom: read('mailFrom'),
    loginRateLimit: integer('loginRateLimit'),
    deviceCodeLifetimeMs: integer('deviceCodeLifetime'),
    deviceCodeIntervalMs: integer('deviceCodeInterval'),
    deviceRateLimit: integer('deviceRateLimit'),
    deviceVerifyLimit: integer('deviceVerifyLimit'),
    warnings,
  };
  if (config.deviceCodeIntervalMs >= config.deviceCodeLifetimeMs) {
    errors.push('TESSERA_DEVICE_CODE_INTERVAL must be shorter than TESSERA_DEVICE_CODE_LIFETIME');
  }
  if (config.accessTokenLifetimeMs > 24 * 3_600_000) warnings.push('access tokens live longer than 24 h');
  if (config.keyPublishAheadMs >= config.keyRotationIntervalMs) {
    errors.push('TESSERA_KEY_PUBLISH_AHEAD must be shorter than TESSERA_KEY_ROTATION_INTERVAL');
  }
  if (config.refreshTokenIdleLifetimeMs > config.refreshTokenLifetimeMs) {
    errors.push('TESSERA_REFRESH_TOKEN_IDLE_LIFETIME must not exceed TESSERA_REFRESH_TOKEN_LIFETIME');
  }
  if (config.refreshTokenReuseGraceMs > 60_000) {
    warnings.push('refresh tokens may be reused for more than a minute after rotation');
  }
  if (config.eventRetentionMs < config.accessTokenLifetimeMs) {
    errors.push('TESSERA_EVENT_RETENTION must be at least TESSERA_ACCESS_TOKEN_LIFETIME');
  }
  if (config.smtpUrl && !/^smtps?:\/\//.test(config.smtpUrl))
    errors.push('TESSERA_SMTP_URL must start with smtp:// or smtps://');
  if (config.smtpUrl && !config.mailFrom) errors.push('TESSERA_MAIL_FROM is required with TESSERA_SMTP_URL');
  if (errors.length > 0)
    throw new TesseraError('ERR_CONFIG', `invalid configuration:\n  - ${errors.join('\n  - ')}`);
  return config;
}
