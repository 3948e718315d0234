import { VerifyError } from '../errors.js';
import type { KeyLookup } from '../jws/verify-signature.js';
import type { Algorithm } from './import-jwk.js';
import { buildKeySet, type KeySet } from './key-set.js';

/** Timings of the JWKS cache, in milliseconds. */
export interface JwksTimings {
  readonly timeoutMs: number;
  readonly cooldownMs: number;
  readonly maxAgeMs: number;
  readonly maxBytes: number;
}

/**
 * The health of the verifier's keys, as `verifier.health().keys`.
 *
 * @example
 * ```ts
 * const { keys } = verifier.health();
 * if (keys.lastError) log.warn({ kids: keys.kids, error: keys.lastError }, 'JWKS refresh failed');
 * ```
 */
export interface KeysHealth {
  readonly source: 'jwks' | 'static';
  readonly kids: readonly string[];
  readonly skipped: readonly string[];
  /** When the JWKS last loaded (ms since the epoch). */
  readonly fetchedAt?: number;
  readonly fetches: number;
  readonly failures: number;
  readonly lastError?: string;
}

/** Where verification keys come from: a fixed JWKS, or one fetched and cached. */
export interface KeySource {
  readonly lookup: KeyLookup;
  /** Changes whenever the set of keys may have changed. */
  readonly version: number;
  readonly loaded: boolean;
  /** Resolves once keys are loaded; rejects with ERR_JWKS_UNAVAILABLE if they cannot be. */
  ready(): Promise<void>;
  /** After an unknown kid: refetch if allowed (cooldown), join a fetch in flight; never rejects. */
  refreshForUnknownKid(): Promise<void>;
  /** Starts a background refresh if the keys are older than their max age. */
  tick(nowMs: number): void;
  health(): KeysHealth;
  close(): void;
}

/** A JWKS given up front: no fetching, ever. */
export function staticKeySource(set: KeySet): KeySource {
  return {
    lookup: set.lookup,
    version: 0,
    loaded: true,
    ready: () => Promise.resolve(),
    refreshForUnknownKid: () => Promise.resolve(),
    tick() {},
    health: () => ({ source: 'static', kids: set.kids, skipped: set.skipped, fetches: 0, failures: 0 }),
    close() {},
  };
}

type Fetch = typeof globalThis.fetch;

/**
 * A JWKS fetched from `uri` and cached:
 *
 * - one fetch at a time: concurrent callers share the one in flight;
 * - each fetch times out after `timeoutMs`; answers over `maxBytes` are refused;
 * - keys older than `maxAgeMs` are refreshed in the background while they keep verifying;
 *   a failed refresh keeps the old keys and is retried no sooner than `cooldownMs` later;
 * - an unknown `kid` refetches at most once per `cooldownMs` (counted from the previous
 *   unknown-kid refetch, so a rotation just after start-up is seen at once), which keeps
 *   a stream of made-up kids from turning into a stream of fetches.
 */
export class RemoteKeySource implements KeySource {
  private set: KeySet | undefined;
  private inflight: Promise<void> | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastUnknownKidFetchAt = Number.NEGATIVE_INFINITY;
  private fetches = 0;
  private failures = 0;
  private lastError: string | undefined;
  private readonly closing = new AbortController();
  version = 0;

  constructor(
    private readonly uri: URL,
    private readonly timings: JwksTimings,
    private readonly allowed: readonly Algorithm[],
    private readonly now: () => number,
    private readonly fetchImpl: Fetch = globalThis.fetch,
  ) {}

  readonly lookup: KeyLookup = (kid) => this.set?.lookup(kid);

  get loaded(): boolean {
    return this.set !== undefined;
  }

  async ready(): Promise<void> {
    if (this.set !== undefined) return;
    if (this.inflight === undefined && this.now() - this.lastAttemptAt < this.timings.cooldownMs)
      throw new VerifyError(
        'ERR_JWKS_UNAVAILABLE',
        `the issuer's keys could not be loaded: ${this.lastError}`,
      );
    await this.load();
  }

  async refreshForUnknownKid(): Promise<void> {
    if (this.inflight === undefined) {
      const now = this.now();
      if (now - this.lastUnknownKidFetchAt < this.timings.cooldownMs) return;
      this.lastUnknownKidFetchAt = now;
    }
    await this.load().catch(() => undefined);
  }

  tick(nowMs: number): void {
    if (nowMs - this.fetchedAt < this.timings.maxAgeMs || this.inflight !== undefined) return;
    if (nowMs - this.lastAttemptAt < this.timings.cooldownMs) return;
    this.load().catch(() => undefined);
  }

  health(): KeysHealth {
    return {
      source: 'jwks',
      kids: this.set?.kids ?? [],
      skipped: this.set?.skipped ?? [],
      ...(this.set === undefined ? {} : { fetchedAt: this.fetchedAt }),
      fetches: this.fetches,
      failures: this.failures,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  close(): void {
    this.closing.abort();
  }

  private load(): Promise<void> {
    this.inflight ??= this.fetchOnce().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchOnce(): Promise<void> {
    this.lastAttemptAt = this.now();
    this.fetches++;
    try {
      const response = await this.fetchImpl(this.uri, {
        headers: { accept: 'application/jwk-set+json, application/json' },
        redirect: 'error',
        signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.timings.timeoutMs)]),
      });
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        throw new Error(`the JWKS endpoint answered HTTP ${response.status}`);
      }
      const set = buildKeySet(JSON.parse(await readCapped(response, this.timings.maxBytes)), this.allowed);
      if (set.size === 0) throw new Error(`the JWKS holds no usable key (${set.skipped.join('; ')})`);
      this.set = set;
      this.version++;
      this.fetchedAt = this.now();
      this.lastError = undefined;
    } catch (cause) {
      this.failures++;
      this.lastError = describe(cause);
      throw new VerifyError(
        'ERR_JWKS_UNAVAILABLE',
        `the issuer's keys could not be loaded: ${this.lastError}`,
        {
          cause,
        },
      );
    }
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw new Error(`the JWKS is larger than ${maxBytes} bytes`);
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new Error(`the JWKS is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return 'the JWKS request timed out or was aborted';
  if (err instanceof SyntaxError) return 'the JWKS is not JSON';
  if (!(err instanceof Error)) return String(err);
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${err.message} (${code})` : err.message;
}
