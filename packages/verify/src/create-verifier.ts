import { VerifyError } from './errors.js';
import { parseJsonObject } from './jws/json.js';
import {
  accept,
  type CheckedJws,
  checkCompactJws,
  signatureValid,
  signatureValidOnPool,
  type VerifiedJws,
} from './jws/verify-signature.js';
import { checkClaims, checkTyp } from './jwt/claims.js';
import { KeyImportError } from './keys/import-jwk.js';
import { buildKeySet } from './keys/key-set.js';
import { type KeySource, type KeysHealth, RemoteKeySource, staticKeySource } from './keys/remote-jwks.js';
import { resolveOptions, type VerifierOptions } from './options.js';
import type { OverlayContext, OverlayVerdict } from './overlay.js';
import { type Principal, toPrincipal, withCurrentRights } from './principal.js';
import { type CachedToken, TokenCache } from './token-cache.js';

/**
 * What `verifier.health()` reports: `ok`; `degraded` when the last JWKS refresh failed (the
 * previous keys still verify) or the overlay says so; `unavailable` when no key is loaded.
 *
 * @example
 * ```ts
 * app.get('/healthz', (_req, res) => {
 *   const h = verifier.health();
 *   res.status(h.status === 'unavailable' ? 503 : 200).json(h);
 * });
 * ```
 */
export interface VerifierHealth {
  readonly status: 'ok' | 'degraded' | 'unavailable';
  readonly keys: KeysHealth;
  readonly cache: {
    readonly enabled: boolean;
    readonly size: number;
    readonly maxEntries: number;
    readonly hits: number;
    readonly misses: number;
  };
  readonly live?: Readonly<Record<string, unknown>>;
}

/**
 * A configured verifier. `verify` and `verifySync` resolve to a {@link Principal} or fail with a
 * {@link VerifyError}; they never echo the token.
 *
 * @example
 * ```ts
 * const principal = await verifier.verify(token);
 * console.log(principal.sub, principal.permissions);
 * ```
 */
export interface Verifier {
  /** Verifies a token; waits for the JWKS when needed (first use, an unknown `kid`). */
  verify(token: string): Promise<Principal>;
  /**
   * The same on the calling thread without waiting: with a `jwksUri`, keys must be loaded
   * (`await verifier.ready()` first); an unknown `kid` fails at once (`ERR_KEY_UNKNOWN`) and
   * starts the refetch that later calls will see.
   */
  verifySync(token: string): Principal;
  /** Resolves once keys are loaded (fetches the JWKS if needed). */
  ready(): Promise<void>;
  health(): VerifierHealth;
  /** Stops fetching, empties the caches and closes the overlay. Verifying afterwards is a TypeError. */
  close(): void;
}

const STALE: OverlayVerdict = Object.freeze({ stale: true as const });

/**
 * Creates a verifier of Tessera access tokens (RFC 9068 JWTs) for one issuer and audience.
 * Options are checked here: a misuse throws a TypeError at start-up.
 *
 * Per token (RFC 8725, RFC 9068 §4): size ≤ `maxTokenBytes`; compact JWS in canonical
 * base64url; header and claims UTF-8 JSON objects without duplicate names; no `jku`, `x5u`,
 * `jwk`, `x5c`, `crit` or `b64`; the key found by `kid` and the algorithm pinned on that key;
 * `typ` `at+jwt`; the signature; `iss`, `aud`, `exp`, `nbf`, `iat` (within `clockTolerance`) and
 * the types of every Tessera claim. Then the live overlay, if any, on every call, cache hit or not.
 *
 * @example
 * ```ts
 * import { can, createVerifier } from '@tessera/verify';
 * const verifier = createVerifier({
 *   issuer: 'https://id.example.com',
 *   audience: 'https://billing.example.com',
 *   jwksUri: 'https://id.example.com/.well-known/jwks.json',
 *   clockTolerance: 30,
 * });
 * const principal = await verifier.verify(token);
 * if (can(principal, 'invoices:read')) listInvoices(principal.sub);
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const o = resolveOptions(options);
  let keys: KeySource;
  if (o.keys !== undefined) {
    let set: ReturnType<typeof buildKeySet>;
    try {
      set = buildKeySet(o.keys, o.algorithms);
    } catch (err) {
      throw new TypeError(`createVerifier: ${err instanceof KeyImportError ? err.message : String(err)}`);
    }
    if (set.size === 0)
      throw new TypeError(`createVerifier: keys holds no usable key (${set.skipped.join('; ')})`);
    keys = staticKeySource(set);
  } else {
    keys = new RemoteKeySource(o.jwksUri as URL, o.jwks, o.algorithms, o.now, o.fetch);
  }
  const cache = o.cacheEntries > 0 ? new TokenCache(o.cacheEntries) : undefined;
  const rules = {
    issuer: o.issuer,
    audiences: o.audiences,
    clockTolerance: o.clockTolerance,
    maxTokenAge: o.maxTokenAge,
  };
  const overlay = o.live?.overlay;
  const failOpen = o.live?.failMode === 'open';
  const maxTokenBytes = o.maxTokenBytes;
  const now = o.now;
  let closed = false;

  /** The overlay's word on a verified principal: on every call, cached or not. */
  const live = (principal: Principal, context: OverlayContext): Principal => {
    if (overlay === undefined) return principal;
    let verdict: OverlayVerdict;
    try {
      verdict = overlay.check(principal.claims, context);
    } catch {
      verdict = STALE;
    }
    if (verdict === undefined) return principal;
    if (verdict.revoked === true) throw new VerifyError('ERR_TOKEN_REVOKED', 'the access token was revoked');
    if (verdict.stale === true) {
      if (failOpen) return principal;
      throw new VerifyError('ERR_STALE', 'live updates are behind; the token cannot be vouched for now');
    }
    if (verdict.roles === undefined && verdict.permissions === undefined) return principal;
    return withCurrentRights(principal, verdict.roles, verdict.permissions);
  };

  /** A cached verification still good now, or undefined. */
  const cached = (token: string, nowMs: number): CachedToken | undefined => {
    if (cache === undefined) return undefined;
    const entry = cache.get(token);
    if (entry === undefined) {
      cache.misses++;
      return undefined;
    }
    if (nowMs >= entry.until) {
      cache.delete(token);
      cache.misses++;
      return undefined;
    }
    if (entry.keysVersion !== keys.version) {
      // The JWKS changed since: the key must still be published, unchanged.
      if (keys.lookup(entry.kid)?.material !== entry.material) {
        cache.delete(token);
        cache.misses++;
        return undefined;
      }
      entry.keysVersion = keys.version;
    }
    cache.hits++;
    return entry;
  };

  const precheck = (token: string): void => {
    if (closed) throw new TypeError('the verifier is closed');
    if (typeof token !== 'string') throw new TypeError('verify(token): the token must be a string');
    if (token.length > maxTokenBytes)
      throw new VerifyError('ERR_TOKEN_TOO_LARGE', `the token is longer than ${maxTokenBytes} bytes`);
    if (token.length === 0) throw new VerifyError('ERR_TOKEN_MALFORMED', 'the token is empty');
  };

  const check = (token: string): CheckedJws => {
    const jws = checkCompactJws(token, keys.lookup);
    checkTyp(jws.header.typ);
    return jws;
  };

  /** After the signature: claims, principal, cache, overlay. */
  const finish = (token: string, verified: VerifiedJws, nowMs: number): Principal => {
    const claims = checkClaims(parseJsonObject(verified.payload, 'claims'), rules, Math.floor(nowMs / 1000));
    const principal = toPrincipal(claims);
    const context: OverlayContext = Object.freeze({ kid: verified.header.kid });
    if (cache !== undefined) {
      let until = claims.exp * 1000;
      if (rules.maxTokenAge !== undefined) until = Math.min(until, (claims.iat + rules.maxTokenAge) * 1000);
      cache.set(token, {
        principal,
        context,
        kid: verified.header.kid,
        material: verified.key.material,
        until,
        keysVersion: keys.version,
      });
    }
    return live(principal, context);
  };

  const notLoaded = () =>
    new VerifyError('ERR_JWKS_UNAVAILABLE', "the issuer's keys are not loaded yet (await verifier.ready())");

  const verifySync = (token: string): Principal => {
    precheck(token);
    const nowMs = now();
    const hit = cached(token, nowMs);
    if (hit !== undefined) return live(hit.principal, hit.context);
    keys.tick(nowMs);
    if (!keys.loaded) {
      keys.ready().catch(() => undefined);
      throw notLoaded();
    }
    let jws: CheckedJws;
    try {
      jws = check(token);
    } catch (err) {
      if (err instanceof VerifyError && err.code === 'ERR_KEY_UNKNOWN') keys.refreshForUnknownKid();
      throw err;
    }
    return finish(token, accept(jws, signatureValid(jws)), nowMs);
  };

  const verifyCold = async (token: string, nowMs: number): Promise<Principal> => {
    keys.tick(nowMs);
    if (!keys.loaded) await keys.ready();
    let jws: CheckedJws;
    try {
      jws = check(token);
    } catch (err) {
      if (!(err instanceof VerifyError && err.code === 'ERR_KEY_UNKNOWN')) throw err;
      // Key rotation: the issuer may have published the key since we fetched. One shared,
      // rate-limited refetch, then decide.
      await keys.refreshForUnknownKid();
      jws = check(token);
    }
    const valid = o.signatureOn === 'pool' ? await signatureValidOnPool(jws) : signatureValid(jws);
    // The signature check took time: judge exp and friends by the clock now.
    return finish(token, accept(jws, valid), o.signatureOn === 'pool' ? now() : nowMs);
  };

  const verify = (token: string): Promise<Principal> => {
    try {
      precheck(token);
      const nowMs = now();
      const hit = cached(token, nowMs);
      if (hit !== undefined) return Promise.resolve(live(hit.principal, hit.context));
      return verifyCold(token, nowMs);
    } catch (err) {
      return Promise.reject(err);
    }
  };

  return {
    verify,
    verifySync,
    ready: () => (closed ? Promise.reject(new TypeError('the verifier is closed')) : keys.ready()),
    health(): VerifierHealth {
      const keysHealth = keys.health();
      const liveHealth = overlay?.health?.();
      const status = !keys.loaded
        ? 'unavailable'
        : keysHealth.lastError !== undefined || liveHealth?.status === 'degraded'
          ? 'degraded'
          : 'ok';
      return {
        status,
        keys: keysHealth,
        cache: {
          enabled: cache !== undefined,
          size: cache?.size ?? 0,
          maxEntries: o.cacheEntries,
          hits: cache?.hits ?? 0,
          misses: cache?.misses ?? 0,
        },
        ...(liveHealth === undefined ? {} : { live: liveHealth }),
      };
    },
    close() {
      if (closed) return;
      closed = true;
      keys.close();
      cache?.clear();
      overlay?.close?.();
    },
  };
}
