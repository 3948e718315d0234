import { ALGORITHMS, type Algorithm } from './keys/import-jwk.js';
import type { JsonWebKeySet } from './keys/key-set.js';
import type { JwksTimings } from './keys/remote-jwks.js';
import type { LiveOptions } from './overlay.js';

/**
 * The options of {@link createVerifier}. Times in tokens are seconds (as in JWT NumericDates);
 * the JWKS cache's timings are milliseconds and say so in their names.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@tessera/verify';
 * const verifier = createVerifier({
 *   issuer: 'https://id.example.com',
 *   audience: 'https://billing.example.com',
 *   jwksUri: 'https://id.example.com/.well-known/jwks.json',
 *   clockTolerance: 30,
 * });
 * ```
 */
export interface VerifierOptions {
  /** The exact `iss` of accepted tokens (RFC 9068 §4). */
  readonly issuer: string;
  /** This service's audience URI, or several: a token's `aud` must name one of them. */
  readonly audience: string | readonly string[];
  /** Where the issuer publishes its keys. Exactly one of `jwksUri` and `keys`. */
  readonly jwksUri?: string | URL;
  /** A fixed JWK Set, never refetched. Exactly one of `jwksUri` and `keys`. */
  readonly keys?: JsonWebKeySet;
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`: 0 to 300. */
  readonly clockTolerance: number;
  /** Seconds: refuse tokens issued longer ago than this, whatever their `exp`. */
  readonly maxTokenAge?: number;
  /** Algorithms accepted; keys of other algorithms are skipped. Default: ES256, EdDSA, RS256. */
  readonly algorithms?: readonly Algorithm[];
  /** Longest token accepted, in bytes (512 to 65,536). Default 8,192. */
  readonly maxTokenBytes?: number;
  /** The verified-token cache: `false` turns it off. Default: 10,000 tokens. */
  readonly cache?: false | { readonly maxEntries?: number };
  /** The JWKS cache (with `jwksUri` only). */
  readonly jwks?: {
    /** Per fetch. Default 5,000. */
    readonly timeoutMs?: number;
    /** Minimum time between two refetches caused by unknown `kid`s (and between retries after a failure). Default 30,000. */
    readonly cooldownMs?: number;
    /** Keys older than this are refreshed in the background. Default 300,000 (the max-age Tessera sends). */
    readonly maxAgeMs?: number;
    /** Largest JWKS accepted. Default 1 MiB. */
    readonly maxBytes?: number;
    /** Replaces the global fetch (a proxy agent, a test double). */
    readonly fetch?: typeof globalThis.fetch;
  };
  /** Live updates: an overlay consulted on every verification. */
  readonly live?: LiveOptions;
  /**
   * Where `verify()` checks signatures: `pool` (default) on libuv's thread pool, leaving the
   * event loop free and using more than one core; `caller` on the calling thread, for a process
   * per core. `verifySync()` always uses the calling thread.
   */
  readonly signatureOn?: 'pool' | 'caller';
  /** The clock, in ms since the epoch. Default `Date.now`. For tests. */
  readonly now?: () => number;
}

/** The options, validated and with every default filled in. */
export interface ResolvedOptions {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly jwksUri: URL | undefined;
  readonly keys: JsonWebKeySet | undefined;
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly algorithms: readonly Algorithm[];
  readonly maxTokenBytes: number;
  readonly cacheEntries: number;
  readonly jwks: JwksTimings;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly live: LiveOptions | undefined;
  readonly signatureOn: 'pool' | 'caller';
  readonly now: () => number;
}

const KNOWN = new Set([
  'issuer',
  'audience',
  'jwksUri',
  'keys',
  'clockTolerance',
  'maxTokenAge',
  'algorithms',
  'maxTokenBytes',
  'cache',
  'jwks',
  'live',
  'signatureOn',
  'now',
]);
const KNOWN_JWKS = new Set(['timeoutMs', 'cooldownMs', 'maxAgeMs', 'maxBytes', 'fetch']);
const MAX_CLOCK_TOLERANCE = 300;

const fail = (message: string): never => {
  throw new TypeError(`createVerifier: ${message}`);
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function number(value: unknown, name: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    fail(`${name} must be a number from ${min} to ${max} (got ${String(value)})`);
  return value as number;
}

/** Checks every option at creation (a misuse is a TypeError now, not a 401 later). */
export function resolveOptions(options: VerifierOptions): ResolvedOptions {
  if (!isObject(options)) fail('options must be an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) fail(`unknown option "${key}"`);

  if (typeof options.issuer !== 'string' || options.issuer.length === 0)
    fail('issuer must be a non-empty string (the exact "iss" of accepted tokens)');
  const audiences = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (
    !Array.isArray(audiences) ||
    audiences.length === 0 ||
    !audiences.every((a) => typeof a === 'string' && a.length > 0)
  )
    fail('audience must be a non-empty string or a non-empty list of them');

  if ((options.jwksUri === undefined) === (options.keys === undefined))
    fail('give exactly one of jwksUri and keys');
  let jwksUri: URL | undefined;
  if (options.jwksUri !== undefined) {
    const text = String(options.jwksUri);
    if (!URL.canParse(text)) fail(`jwksUri ${JSON.stringify(text)} is not an absolute URL`);
    jwksUri = new URL(text);
    if (jwksUri.protocol !== 'https:' && jwksUri.protocol !== 'http:') fail('jwksUri must be an http(s) URL');
  }
  if (options.keys !== undefined && !(isObject(options.keys) && Array.isArray(options.keys.keys)))
    fail('keys must be a JWK Set: { keys: [...] }');

  const clockTolerance = number(options.clockTolerance, 'clockTolerance (seconds)', 0, MAX_CLOCK_TOLERANCE);
  const maxTokenAge =
    options.maxTokenAge === undefined
      ? undefined
      : number(options.maxTokenAge, 'maxTokenAge (seconds)', 1, 366 * 86_400);

  const algorithms = options.algorithms ?? ALGORITHMS;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every((a) => ALGORITHMS.includes(a)) ||
    new Set(algorithms).size !== algorithms.length
  )
    fail(`algorithms must be a non-empty list of distinct ${ALGORITHMS.join(', ')}`);

  const maxTokenBytes = number(options.maxTokenBytes, 'maxTokenBytes', 512, 65_536, 8192);
  let cacheEntries = 10_000;
  if (options.cache === false) cacheEntries = 0;
  else if (options.cache !== undefined) {
    if (!isObject(options.cache)) fail('cache must be false or { maxEntries }');
    cacheEntries = number(options.cache.maxEntries, 'cache.maxEntries', 2, 10_000_000, 10_000);
  }

  const jwks = options.jwks ?? {};
  if (!isObject(jwks)) fail('jwks must be an object');
  for (const key of Object.keys(jwks)) if (!KNOWN_JWKS.has(key)) fail(`unknown option "jwks.${key}"`);
  if (jwks.fetch !== undefined && typeof jwks.fetch !== 'function') fail('jwks.fetch must be a function');

  const live = options.live;
  if (live !== undefined) {
    if (!isObject(live) || !isObject(live.overlay) || typeof live.overlay.check !== 'function')
      fail('live must be { overlay: { check(claims, context) }, failMode? }');
    if (live.failMode !== undefined && live.failMode !== 'closed' && live.failMode !== 'open')
      fail('live.failMode must be "closed" or "open"');
  }
  const signatureOn = options.signatureOn ?? 'pool';
  if (signatureOn !== 'pool' && signatureOn !== 'caller') fail('signatureOn must be "pool" or "caller"');
  if (options.now !== undefined && typeof options.now !== 'function') fail('now must be a function');

  return {
    issuer: options.issuer,
    audiences: Object.freeze([...audiences]),
    jwksUri,
    keys: options.keys,
    clockTolerance,
    maxTokenAge,
    algorithms: Object.freeze([...algorithms]),
    maxTokenBytes,
    cacheEntries,
    jwks: {
      timeoutMs: number(jwks.timeoutMs, 'jwks.timeoutMs', 1, 120_000, 5000),
      cooldownMs: number(jwks.cooldownMs, 'jwks.cooldownMs', 0, 86_400_000, 30_000),
      maxAgeMs: number(jwks.maxAgeMs, 'jwks.maxAgeMs', 1000, 7 * 86_400_000, 300_000),
      maxBytes: number(jwks.maxBytes, 'jwks.maxBytes', 1024, 16 * 1024 * 1024, 1024 * 1024),
    },
    fetch: jwks.fetch,
    live,
    signatureOn,
    now: options.now ?? Date.now,
  };
}
