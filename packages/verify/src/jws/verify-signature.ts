import { verify } from 'node:crypto';
import { VerifyError } from '../errors.js';
import type { PinnedKey } from '../keys/import-jwk.js';
import { parseJsonObject } from './json.js';

/** Finds the key a token names; `kid` is undefined when the header has none. */
export type KeyLookup = (kid: string | undefined) => PinnedKey | undefined;

/** The protected header, checked: `alg` matches the key, nothing refused is present. */
export interface JwsHeader {
  readonly alg: string;
  readonly kid?: string;
  readonly typ?: string;
  readonly [name: string]: unknown;
}

/** A compact JWS whose signature has not been checked yet; everything else has. */
export interface CheckedJws {
  readonly header: JwsHeader;
  readonly key: PinnedKey;
  readonly signingInput: Buffer;
  readonly signature: Buffer;
  readonly payloadSegment: string;
  readonly headerSegment: string;
  /** Whether the header came from the memo of verified headers. */
  readonly memoized: boolean;
}

/**
 * Header parameters that would let a token choose its own verification key (RFC 8725 §3.10:
 * `jku`/`x5u` fetch keys from a URL the attacker names; `jwk`/`x5c` embed the attacker's key) or
 * semantics we do not implement (`crit`, RFC 7515 §4.1.11: "the recipient MUST ... reject the
 * JWS" when it does not understand a listed extension; `b64`, RFC 7797, "JWTs MUST NOT use
 * unencoded payload"). Tessera never sets them, so their presence alone is refusal.
 */
export const FORBIDDEN_HEADERS: readonly string[] = Object.freeze([
  'jku',
  'x5u',
  'jwk',
  'x5c',
  'crit',
  'b64',
]);

// RFC 7515 §7.1 compact serialization: three base64url segments (§2: no padding, no whitespace,
// no other characters). The payload may be empty; header and signature may not.
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;
const MAX_KID_LENGTH = 256;
// Value of each base64url character, to check that the unused low bits of the last one are zero:
// otherwise two different strings decode to the same bytes, and the signed text is not what the
// signature covers (RFC 4648 §3.5: canonical encoding).
const SEXTET = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries())
  SEXTET[c.charCodeAt(0)] = i;

function canonical(token: string, start: number, end: number): boolean {
  const rest = (end - start) & 3;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = SEXTET[token.charCodeAt(end - 1)] ?? 0;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

// Headers that verified once, by their exact base64url text: Tessera's header is the same for
// every token a key signs, so this skips decoding and parsing it. Only verified headers enter, a
// handful at most, so nobody can fill it with forgeries.
const HEADER_MEMO_SIZE = 16;
const headerMemo = new Map<string, JwsHeader>();

/**
 * Everything before the signature check (RFC 7515 §5.2 steps 1-7, RFC 8725 §3.1): structure,
 * canonical base64url, header JSON without duplicate names, no refused parameter, the key found by
 * `kid`, and the header's `alg` equal to the algorithm pinned on that key — the token only selects
 * a key, it never chooses how the key is used.
 */
export function checkCompactJws(token: string, lookup: KeyLookup): CheckedJws {
  if (!COMPACT.test(token)) throw malformed('the token is not a compact JWS (three base64url parts)');
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  if (
    !canonical(token, 0, dot1) ||
    !canonical(token, dot1 + 1, dot2) ||
    !canonical(token, dot2 + 1, token.length)
  )
    throw malformed('the token is not canonical base64url');
  const headerSegment = token.slice(0, dot1);
  const memo = headerMemo.get(headerSegment);
  const header = memo ?? parseHeader(headerSegment);
  const key = lookup(header.kid);
  if (key === undefined)
    throw new VerifyError('ERR_KEY_UNKNOWN', 'the token was signed with a key the issuer does not publish');
  if (header.alg !== key.alg)
    throw new VerifyError('ERR_ALG_NOT_ALLOWED', `the token's "alg" is not the algorithm of its key`);
  const signature = Buffer.from(token.slice(dot2 + 1), 'base64url');
  return {
    header,
    key,
    signingInput: Buffer.from(token.slice(0, dot2), 'latin1'),
    signature,
    payloadSegment: token.slice(dot1 + 1, dot2),
    headerSegment,
    memoized: memo !== undefined,
  };
}

function parseHeader(segment: string): JwsHeader {
  const header = parseJsonObject(Buffer.from(segment, 'base64url'), 'header');
  for (const name of FORBIDDEN_HEADERS) {
    if (name in header)
      throw new VerifyError('ERR_HEADER_FORBIDDEN', `the token's header must not carry "${name}"`);
  }
  if (typeof header.alg !== 'string') throw malformed(`the token's header has no "alg"`);
  if (header.alg === 'none' || header.alg.toLowerCase() === 'none')
    throw new VerifyError('ERR_ALG_NOT_ALLOWED', 'unsecured tokens ("alg": "none") are not accepted');
  const kid = header.kid;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH))
    throw malformed(`the token's "kid" must be a string of 1 to ${MAX_KID_LENGTH} characters`);
  if (header.typ !== undefined && typeof header.typ !== 'string')
    throw malformed(`the token's "typ" is not a string`);
  return Object.freeze(header) as JwsHeader;
}

/** Remembers a header once its token's signature verified. */
function remember(jws: CheckedJws): void {
  if (jws.memoized) return;
  if (headerMemo.size >= HEADER_MEMO_SIZE) headerMemo.clear();
  headerMemo.set(jws.headerSegment, jws.header);
}

/** What a signature check needs: the key, the signed bytes and the signature. */
export type SignedBytes = Pick<CheckedJws, 'key' | 'signingInput' | 'signature'>;

/** The signature of a checked JWS, on the calling thread. */
export function signatureValid(jws: SignedBytes): boolean {
  const { key, signature } = jws;
  if (signature.length !== key.signatureBytes) return false;
  return verify(key.digest, jws.signingInput, key.verifyInput, signature);
}

/** The same on libuv's thread pool (node:crypto's callback form), so the event loop stays free. */
export function signatureValidOnPool(jws: SignedBytes): Promise<boolean> {
  const { key, signature } = jws;
  if (signature.length !== key.signatureBytes) return Promise.resolve(false);
  return new Promise((resolve) => {
    verify(key.digest, jws.signingInput, key.verifyInput, signature, (err, ok) => resolve(!err && ok));
  });
}

/** A JWS whose signature verified: its header and decoded payload. */
export interface VerifiedJws {
  readonly header: JwsHeader;
  readonly key: PinnedKey;
  readonly payload: Buffer;
}

/** Finishes a checked JWS whose signature was found valid. */
export function accept(jws: CheckedJws, valid: boolean): VerifiedJws {
  if (!valid) throw new VerifyError('ERR_SIGNATURE_INVALID', 'the token signature is invalid');
  remember(jws);
  return { header: jws.header, key: jws.key, payload: Buffer.from(jws.payloadSegment, 'base64url') };
}

/**
 * Verifies a compact JWS with the key its `kid` selects (the signature layer, without any JWT
 * rule): what the Wycheproof JWS vectors exercise.
 */
export function verifyCompactJws(token: string, lookup: KeyLookup): VerifiedJws {
  const jws = checkCompactJws(token, lookup);
  return accept(jws, signatureValid(jws));
}

const malformed = (message: string) => new VerifyError('ERR_TOKEN_MALFORMED', message);
