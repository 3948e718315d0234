import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { TesseraError } from '../errors.js';
import type { KeyAlgorithm, SigningKey } from '../model.js';
import type { KeyVault } from '../ports.js';

/** Signs compact JWTs with one key; the header is fixed by the key, never by the caller. */
export interface Signer {
  readonly kid: string;
  readonly alg: KeyAlgorithm;
  /** A compact JWS over `claims` with the protected header `{ alg, typ, kid }`. */
  sign(typ: string, claims: object): Promise<string>;
  /** The same over claims already serialized as JSON (callers that measured them). */
  signJson(typ: string, json: string): Promise<string>;
}

/**
 * Opens a stored key's private half (once; the KeyRing caches the result) and checks that it
 * is the kind of key its pinned `alg` requires, so a row edited to say RS256 over an EC key
 * fails here rather than producing tokens nobody can verify.
 */
export function openPrivateKey(key: SigningKey, vault: KeyVault): KeyObject {
  const der = vault.open(key.privateKeySealed, key.kid);
  const privateKey = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  assertKeyFitsAlg(privateKey, key.alg, key.kid);
  return privateKey;
}

/** The public KeyObject for a stored key, from its published JWK. */
export function openPublicKey(key: SigningKey): KeyObject {
  const publicKey = createPublicKey({ key: key.publicJwk as never, format: 'jwk' });
  assertKeyFitsAlg(publicKey, key.alg, key.kid);
  return publicKey;
}

function assertKeyFitsAlg(key: KeyObject, alg: KeyAlgorithm, kid: string): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  const fits =
    (alg === 'ES256' && type === 'ec' && details?.namedCurve === 'prime256v1') ||
    (alg === 'EdDSA' && type === 'ed25519') ||
    (alg === 'RS256' && type === 'rsa' && (details?.modulusLength ?? 0) >= 2048);
  if (!fits) throw new TesseraError('ERR_STORE_CORRUPT', `signing key ${kid} is not a valid ${alg} key`);
}

/**
 * Builds the compact serialization directly over node:crypto's one-shot sign: the header for
 * each `typ` is encoded once per key, and signing runs on libuv's thread pool, which keeps the
 * event loop's share of a token to a few microseconds. jose's SignJWT (WebCrypto) measured
 * 19-37 µs of event-loop time per ES256 token against 6 µs here, on the path that must reach
 * thousands of tokens a second; jose still verifies every algorithm's output in the tests
 * (test/keys/keyring.test.ts, core/tokens/issue-access-token.test.ts).
 *
 * ES256 signatures are emitted as the fixed-size R ‖ S concatenation that JWS requires
 * (RFC 7518 §3.4), not DER.
 */
/**
 * Where the signature is computed. `pool`: libuv's thread pool (node:crypto's callback form), so
 * one process uses a second core for signatures while its event loop serves requests. `caller`:
 * synchronously on the calling thread — right for `serve` with one worker process per core,
 * where a thread pool per process would only add hand-offs between threads competing for the
 * same cores (measured: 2 workers, 2 cores, ES256: about 24k tokens/s with `pool`, 26k with
 * `caller`).
 */
export type SignOn = 'pool' | 'caller';

export function createSigner(
  kid: string,
  alg: KeyAlgorithm,
  privateKey: KeyObject,
  signOn: SignOn = 'pool',
): Signer {
  const headers = new Map<string, string>();
  const digest = alg === 'EdDSA' ? null : 'sha256';
  const keyInput = alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' as const } : privateKey;
  const header = (typ: string): string => {
    let encoded = headers.get(typ);
    if (encoded === undefined) {
      encoded = Buffer.from(JSON.stringify({ alg, typ, kid })).toString('base64url');
      headers.set(typ, encoded);
    }
    return encoded;
  };
  return {
    kid,
    alg,
    sign(typ, claims) {
      return this.signJson(typ, JSON.stringify(claims));
    },
    signJson(typ, json) {
      const input = `${header(typ)}.${Buffer.from(json).toString('base64url')}`;
      if (signOn === 'caller') {
        try {
          return Promise.resolve(
            `${input}.${sign(digest, Buffer.from(input), keyInput).toString('base64url')}`,
          );
        } catch (err) {
          return Promise.reject(err);
        }
      }
      return new Promise((resolve, reject) => {
        sign(digest, Buffer.from(input), keyInput, (err, signature) => {
          if (err) reject(err);
          else resolve(`${input}.${signature.toString('base64url')}`);
        });
      });
    },
  };
}
