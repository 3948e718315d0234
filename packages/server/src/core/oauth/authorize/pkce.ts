/** RFC 7636 PKCE, S256 only (RFC 9700 §2.1.1: `plain` gives no protection against a leaked request). */
import { createHash, timingSafeEqual } from 'node:crypto';

/** §4.2: BASE64URL(SHA256(ASCII(code_verifier))) is 43 characters without padding. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** §4.1: code-verifier = 43*128unreserved. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export const isS256Challenge = (value: string): boolean => CHALLENGE.test(value);

/** §4.6: the server recomputes the challenge from the verifier and compares (in constant time). */
export function verifierMatches(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier) || !CHALLENGE.test(challenge)) return false;
  const computed = createHash('sha256').update(verifier, 'ascii').digest();
  const expected = Buffer.from(challenge, 'base64url');
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
