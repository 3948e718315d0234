import { TesseraError } from '../errors.js';
import { EventBus } from '../events.js';
import type { KeyRing } from '../keys/keyring.js';
import type { Client, GrantType } from '../model.js';
import { RefreshFamilyCache } from '../oauth/refresh/family-cache.js';
import { DEFAULT_REFRESH_TOKEN_SETTINGS, type RefreshTokenSettings } from '../oauth/refresh/settings.js';
import type { Clock, Store } from '../ports.js';
import { verifyClientAssertion } from './client-assertion.js';
import { authenticateClient, readClientCredentials } from './client-auth.js';
import { ClientDirectory } from './directory.js';
import { GRANTS, type GrantContext, type TokenResponse } from './grants/index.js';
import { DEFAULT_ACCESS_TOKEN_LIFETIME_MS, type IssuedAccessToken } from './issue-access-token.js';
import { single, type TokenParams } from './params.js';

/** The slice of a pino logger the service uses. */
export interface TokenLog {
  debug(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface TokenServiceOptions {
  store: Store;
  keyRing: Pick<KeyRing, 'signer'>;
  clock: Clock;
  /** `iss` of every token; no trailing slash. */
  issuer: string;
  /** Default 10 minutes. */
  accessTokenLifetimeMs?: number;
  /** Claims JSON bytes beyond which tokens leave out `permissions`. Default 1024. */
  claimsBudget?: number;
  /** Committed changes on this instance; the caches drop at once on client/role/application events. */
  bus?: EventBus;
  /** How often to look for other instances' changes (store.lastEventPosition). Default 1000; 0: never (tests). */
  syncIntervalMs?: number;
  /** pino or any logger with debug/warn; `false` or absent: silent. */
  logger?: TokenLog | false;
  /**
   * Limits the token endpoint enforces for this service (http/oauth/token.ts reads them; they
   * are HTTP-level because they key on the source address). See TokenRateLimit.
   */
  rateLimit?: Partial<TokenRateLimit>;
  /** Refresh-token lifetimes and reuse grace; default DEFAULT_REFRESH_TOKEN_SETTINGS. */
  refreshTokens?: Partial<RefreshTokenSettings>;
  /** Called after each issued token (metrics). Never writes to the store on this path. */
  onIssued?: (issued: IssuedAccessToken, client: Client) => void;
}

export interface TokenRateLimit {
  /** Token requests per minute per authenticated client. Default 100,000 (benchmarks run with it). */
  perClientPerMinute: number;
  /** Failed client authentications per minute per source IP and per client_id. Default 20. */
  failuresPerMinute: number;
}

export const DEFAULT_TOKEN_RATE_LIMIT: Readonly<TokenRateLimit> = {
  perClientPerMinute: 100_000,
  failuresPerMinute: 20,
};

export interface TokenRequest {
  params: TokenParams;
  authorization?: string | undefined;
  sourceIp: string;
  /**
   * Called once the client is authenticated, before the grant runs; throws to refuse (the HTTP
   * layer checks the client's request budget here).
   */
  admit?: (client: Client) => void;
}

/**
 * The token endpoint's logic (RFC 6749 §3.2), as a pipeline: grant_type → client
 * authentication → admission (rate limits) → may the client use the grant → the grant. Every
 * failure is a TesseraError with the RFC 6749 §5.2 / RFC 8707 code; the HTTP layer turns it
 * into a response.
 *
 * Issued tokens are not written to the audit chain (that would put a write on the hot path);
 * their jti is logged at debug level (never the token).
 */
export class TokenService {
  readonly #ctx: GrantContext;
  readonly #directory: ClientDirectory;
  readonly #log: TokenLog | undefined;
  readonly #onIssued: TokenServiceOptions['onIssued'];
  readonly #timer: NodeJS.Timeout | undefined;
  readonly rateLimit: Readonly<TokenRateLimit>;

  constructor(options: TokenServiceOptions) {
    const lifetime = options.accessTokenLifetimeMs ?? DEFAULT_ACCESS_TOKEN_LIFETIME_MS;
    if (!Number.isSafeInteger(lifetime) || lifetime < 1000) {
      throw new TypeError('accessTokenLifetimeMs must be an integer of at least 1000');
    }
    try {
      new URL(options.issuer);
    } catch {
      throw new TypeError(`issuer ${JSON.stringify(options.issuer)} is not an absolute URL`);
    }
    this.#directory = new ClientDirectory(options.store, options.bus);
    this.#ctx = {
      directory: this.#directory,
      store: options.store,
      core: { store: options.store, clock: options.clock, bus: options.bus ?? new EventBus() },
      keyRing: options.keyRing,
      clock: options.clock,
      issuer: options.issuer,
      accessTokenLifetimeMs: lifetime,
      ...(options.claimsBudget === undefined ? {} : { claimsBudget: options.claimsBudget }),
      refreshTokens: { ...DEFAULT_REFRESH_TOKEN_SETTINGS, ...options.refreshTokens },
      refreshFamilies: new RefreshFamilyCache(),
    };
    this.rateLimit = { ...DEFAULT_TOKEN_RATE_LIMIT, ...options.rateLimit };
    for (const [name, value] of Object.entries(this.rateLimit)) {
      if (!Number.isSafeInteger(value) || value < 1)
        throw new TypeError(`rateLimit.${name} must be a positive integer`);
    }
    this.#log = options.logger || undefined;
    this.#onIssued = options.onIssued;
    const interval = options.syncIntervalMs ?? 1000;
    if (interval > 0) {
      this.#timer = setInterval(() => {
        this.sync().catch((err: unknown) => this.#log?.warn({ err }, 'token cache sync failed'));
      }, interval);
      this.#timer.unref();
    }
  }

  async token(request: TokenRequest): Promise<TokenResponse> {
    const grantType = single(request.params, 'grant_type');
    if (grantType === undefined) {
      throw new TesseraError(
        'ERR_INVALID_REQUEST',
        'the request is missing a required parameter: grant_type',
      );
    }
    const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType as GrantType] : undefined;
    if (!grant) {
      throw new TesseraError(
        'ERR_UNSUPPORTED_GRANT_TYPE',
        `the authorization grant type ${JSON.stringify(grantType)} is not supported by the authorization server`,
      );
    }
    const client = await this.authenticate(request.params, request.authorization);
    request.admit?.(client);
    if (!client.grantTypes.includes(grantType as GrantType)) {
      throw new TesseraError(
        'ERR_UNAUTHORIZED_CLIENT',
        `the authenticated client is not authorized to use the grant type ${grantType}`,
      );
    }
    const { response, issued } = await grant(this.#ctx, client, request.params);
    this.#log?.debug(
      { jti: issued.claims.jti, client_id: client.clientId, aud: issued.claims.aud, kid: issued.kid },
      'access token issued',
    );
    this.#onIssued?.(issued, client);
    return response;
  }

  /**
   * Client authentication as every endpoint that takes it does it (token, revocation,
   * introspection, device authorization): reads the credentials the request carries and checks
   * them against the cached directory. Throws ERR_INVALID_CLIENT (or ERR_INVALID_REQUEST for a
   * malformed request); a disabled client learns it only after proving itself.
   */
  async authenticate(params: TokenParams, authorization: string | undefined): Promise<Client> {
    const credentials = readClientCredentials(params, authorization);
    const client = await this.#directory.client(credentials.clientId);
    if (credentials.method !== 'private_key_jwt') return authenticateClient(client, credentials);
    const { issuer, store, clock } = this.#ctx;
    const now = clock.now();
    return verifyClientAssertion(client, credentials, {
      // The token endpoint's URL (http/paths.ts TOKEN_PATH): OIDC Core §9 names it as the aud.
      audiences: [issuer, `${issuer}/oauth2/token`],
      now,
      useJti: (clientId, jti, expiresAt) => store.useClientAssertion(clientId, jti, expiresAt, now),
    });
  }

  /** Drops the caches if another instance changed something; the timer calls it. */
  sync(): Promise<void> {
    return this.#directory.sync();
  }

  /**
   * Whether a client exists and is enabled now (the cached directory, kept current by events):
   * Tessera's own APIs refuse tokens of a client disabled after they were issued.
   */
  async clientActive(clientId: string): Promise<boolean> {
    return (await this.#directory.client(clientId))?.enabled === true;
  }

  /**
   * Lets grants read presented access tokens as introspection does (token exchange). The
   * introspection endpoint attaches its introspector once it follows the event log.
   */
  attachIntrospector(introspector: NonNullable<GrantContext['introspector']>): void {
    this.#ctx.introspector = introspector;
  }

  /** The attached introspector, if any: UserInfo accepts exactly the access tokens it finds active. */
  get introspector(): GrantContext['introspector'] {
    return this.#ctx.introspector;
  }

  /** Drops every cache now. */
  invalidate(): void {
    this.#directory.invalidate();
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
