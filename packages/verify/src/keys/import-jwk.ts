import { createPublicKey, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';

/**
 * The JWS algorithms `@tessera/verify` verifies: the three Tessera signs with.
 *
 * @example
 * ```ts
 * import type { Algorithm } from '@tessera/verify';
 * const algorithms: Algorithm[] = ['ES256', 'EdDSA'];
 * ```
 */
export type Algorithm = 'ES256' | 'EdDSA' | 'RS256';

/**
 * Every supported algorithm, in the order the docs list them (the default of `algorithms`).
 *
 * @example
 * ```ts
 * import { ALGORITHMS } from '@tessera/verify';
 * ALGORITHMS.includes('EdDSA'); // true
 * ```
 */
export const ALGORITHMS: readonly Algorithm[] = Object.freeze(['ES256', 'EdDSA', 'RS256']);

/** A public key with the one algorithm it may verify, and node:crypto inputs prepared once. */
export interface PinnedKey {
  readonly kid: string | undefined;
  readonly alg: Algorithm;
  readonly keyObject: KeyObject;
  /** crypto.verify's first argument: the digest, or null for Ed25519 (which hashes itself). */
  readonly digest: 'sha256' | null;
  /** crypto.verify's key argument; for ES256 it asks for the JWS R ‖ S encoding (RFC 7518 §3.4). */
  readonly verifyInput: KeyObject | VerifyKeyObjectInput;
  /** The only signature length this key can produce, in bytes. */
  readonly signatureBytes: number;
  /** The algorithm and public key material: equal for the same key fetched twice. */
  readonly material: string;
}

/** Why a JWK cannot be used; the key is skipped (from a JWKS) or refused (static keys). */
export class KeyImportError extends Error {
  override readonly name = 'KeyImportError';
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;
const MAX_KID_LENGTH = 256;

/**
 * Turns one JWK into a PinnedKey, pinning its algorithm (RFC 8725 §3.1: "each key MUST be used
 * with exactly one algorithm"). The algorithm comes from the key, never from a token:
 *
 * - a key's `alg` member, when present, is the algorithm, and must be one we support and fit the
 *   key type (`ES256` for an EC P-256 key, `EdDSA` for an OKP Ed25519 key, `RS256` for an RSA key);
 * - a key without `alg` is pinned by its type: EC P-256 → ES256, OKP Ed25519 → EdDSA,
 *   RSA (2048 to 8192 bits) → RS256 (a PS256 key must say so in `alg`, and is not supported).
 *
 * Refused: `use` other than `sig` (RFC 7517 §4.2), `key_ops` without `verify` (§4.3), any
 * private or symmetric member (a verifier never needs one, and an `oct` key is how HS256
 * confusion starts), RSA keys under 2048 bits (RFC 7518 §3.3), and a `kid` over 256 characters.
 */
export function importJwk(jwk: unknown, allowed: readonly Algorithm[] = ALGORITHMS): PinnedKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw new KeyImportError('a JWK must be a JSON object');
  const k = jwk as Record<string, unknown>;
  const kid = k.kid;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH))
    throw new KeyImportError('"kid" must be a string of 1 to 256 characters');
  const name = kid === undefined ? 'a key without kid' : `key ${JSON.stringify(kid)}`;
  if (k.use !== undefined && k.use !== 'sig') throw new KeyImportError(`${name} is not for signatures (use)`);
  if (k.key_ops !== undefined && !(Array.isArray(k.key_ops) && k.key_ops.includes('verify')))
    throw new KeyImportError(`${name} is not for verification (key_ops)`);
  for (const member of PRIVATE_MEMBERS) {
    if (member in k) throw new KeyImportError(`${name} carries private or symmetric material ("${member}")`);
  }
  const byType = algorithmOfType(k);
  if (byType === undefined)
    throw new KeyImportError(`${name} is of a type no supported algorithm uses (${String(k.kty)})`);
  const alg = k.alg === undefined ? byType : k.alg;
  if (alg !== byType)
    throw new KeyImportError(
      `${name} names the algorithm ${String(alg)}, which is not ${byType} or not supported`,
    );
  if (!allowed.includes(byType)) throw new KeyImportError(`${name} is for ${byType}, which is not allowed`);

  let keyObject: KeyObject;
  const members = publicMembers(k);
  try {
    keyObject = createPublicKey({ key: members, format: 'jwk' });
  } catch (cause) {
    throw new KeyImportError(`${name} is not a valid ${byType} public key`, { cause });
  }
  let signatureBytes = 64;
  if (byType === 'RS256') {
    const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS)
      throw new KeyImportError(`${name} has a ${bits}-bit modulus; RS256 needs 2048 to 8192 bits`);
    signatureBytes = Math.ceil(bits / 8);
  }
  return Object.freeze({
    kid: kid as string | undefined,
    alg: byType,
    keyObject,
    digest: byType === 'EdDSA' ? null : 'sha256',
    verifyInput: byType === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' as const } : keyObject,
    signatureBytes,
    material: `${byType}.${Object.values(members).join('.')}`,
  });
}

function algorithmOfType(k: Record<string, unknown>): Algorithm | undefined {
  if (k.kty === 'EC' && k.crv === 'P-256') return 'ES256';
  if (k.kty === 'OKP' && k.crv === 'Ed25519') return 'EdDSA';
  if (k.kty === 'RSA') return 'RS256';
  return undefined;
}

/** Only what node:crypto needs, so unknown members cannot change how the key is read. */
function publicMembers(k: Record<string, unknown>) {
  const pick = (name: string) => {
    const value = k[name];
    if (typeof value !== 'string') throw new KeyImportError(`the JWK member "${name}" must be a string`);
    return value;
  };
  if (k.kty === 'EC') return { kty: 'EC', crv: pick('crv'), x: pick('x'), y: pick('y') };
  if (k.kty === 'OKP') return { kty: 'OKP', crv: pick('crv'), x: pick('x') };
  return { kty: 'RSA', n: pick('n'), e: pick('e') };
}
