import type { KeyLookup } from '../jws/verify-signature.js';
import { type Algorithm, importJwk, KeyImportError, type PinnedKey } from './import-jwk.js';

/**
 * A JWK Set (RFC 7517 §5), as published at `/.well-known/jwks.json`: the `keys` option.
 *
 * @example
 * ```ts
 * import type { JsonWebKeySet } from '@tessera/verify';
 * const keys: JsonWebKeySet = JSON.parse(readFileSync('jwks.json', 'utf8'));
 * const verifier = createVerifier({ issuer, audience, keys, clockTolerance: 30 });
 * ```
 */
export interface JsonWebKeySet {
  readonly keys: readonly Readonly<Record<string, unknown>>[];
}

/** The usable keys of one JWK Set, and why the others were skipped. */
export interface KeySet {
  readonly lookup: KeyLookup;
  readonly size: number;
  readonly kids: readonly string[];
  readonly skipped: readonly string[];
}

/**
 * Imports every key of a JWKS it can use and skips the rest (encryption keys, other algorithms,
 * duplicate `kid`s after the first), saying why. A token without `kid` may use the set's key
 * only when the set has exactly one.
 */
export function buildKeySet(jwks: unknown, allowed: readonly Algorithm[]): KeySet {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as JsonWebKeySet).keys))
    throw new KeyImportError('a JWK Set must be an object with a "keys" array');
  const byKid = new Map<string, PinnedKey>();
  const all: PinnedKey[] = [];
  const skipped: string[] = [];
  for (const jwk of (jwks as JsonWebKeySet).keys) {
    try {
      const key = importJwk(jwk, allowed);
      if (key.kid !== undefined) {
        if (byKid.has(key.kid)) {
          skipped.push(`key ${JSON.stringify(key.kid)} appears more than once; the first is used`);
          continue;
        }
        byKid.set(key.kid, key);
      }
      all.push(key);
    } catch (err) {
      if (!(err instanceof KeyImportError)) throw err;
      skipped.push(err.message);
    }
  }
  const sole = all.length === 1 ? all[0] : undefined;
  return {
    lookup: (kid) => (kid === undefined ? sole : byKid.get(kid)),
    size: all.length,
    kids: [...byKid.keys()],
    skipped,
  };
}
