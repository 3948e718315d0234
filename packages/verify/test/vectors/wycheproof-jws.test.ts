/**
 * Wycheproof's JWS vectors (json_web_signature_test.json) against the signature layer only:
 * importJwk (the algorithm pinned on the key) and verifyCompactJws, with no JWT rule — most of
 * these JWSs are not JWTs (payload "foo", no typ). Groups whose key is for an algorithm we do not
 * verify (HS*, PS*, RS384, RS512, ES512) are skipped and counted in the test name. The file has
 * no `acceptable` case.
 */
import { describe, expect, it } from 'vitest';
import { VerifyError } from '../../src/errors.js';
import { verifyCompactJws } from '../../src/jws/verify-signature.js';
import { importJwk, type PinnedKey } from '../../src/keys/import-jwk.js';
import { readVectors, vectorsAvailable, type WycheproofTest } from '../support/vectors.js';

const FILE = 'wycheproof/json_web_signature_test.json';
const SUPPORTED = new Set(['ES256', 'EdDSA', 'RS256']);
const PRIVATE = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']);

/** The algorithm a group's key is for: its alg, or what our pinning derives from its type. */
function keyAlg(jwk: Record<string, unknown>): string {
  if (typeof jwk.alg === 'string') return jwk.alg;
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'RSA') return 'RS256';
  return String(jwk.kty);
}

interface Case {
  readonly group: string;
  readonly jwk: Record<string, unknown>;
  readonly test: WycheproofTest;
}

function outcome({ jwk, test }: Case): 'valid' | string {
  let key: PinnedKey;
  try {
    key = importJwk(jwk);
  } catch (err) {
    return `key refused: ${(err as Error).message}`;
  }
  // The group's one key, selected as a JWKS would: by kid when the header has one.
  const lookup = (kid: string | undefined) => (kid === undefined || kid === key.kid ? key : undefined);
  try {
    verifyCompactJws(typeof test.jws === 'string' ? test.jws : JSON.stringify(test.jws), lookup);
    return 'valid';
  } catch (err) {
    if (!(err instanceof VerifyError)) throw err;
    return err.code;
  }
}

const available = vectorsAvailable(FILE);

describe.runIf(available)('Wycheproof JWS vectors, signature layer', () => {
  const cases: Case[] = [];
  const skipped: Case[] = [];
  for (const group of available ? readVectors(FILE).testGroups : []) {
    // Verifiers hold public keys: take `public`, or the public members of `private`.
    const source = (group.public ?? group.private) as Record<string, unknown>;
    const jwk = Object.fromEntries(Object.entries(source).filter(([name]) => !PRIVATE.has(name)));
    if (source.kty === 'oct') Object.assign(jwk, { k: source.k }); // so importJwk sees a symmetric key
    for (const test of group.tests) {
      (SUPPORTED.has(keyAlg(source)) ? cases : skipped).push({ group: String(group.comment), jwk, test });
    }
  }
  const count = (list: Case[], result: string) => list.filter((c) => c.test.result === result).length;
  const byAlg = new Map<string, number>();
  for (const c of skipped) byAlg.set(keyAlg(c.jwk), (byAlg.get(keyAlg(c.jwk)) ?? 0) + 1);
  const skippedByAlg = [...byAlg].map(([alg, n]) => `${alg} ${n}`).join(', ');

  it(`runs ${cases.length} cases (${count(cases, 'valid')} valid, ${count(cases, 'invalid')} invalid, ${count(cases, 'acceptable')} acceptable); skips ${skipped.length} for other algorithms (${skippedByAlg})`, () => {
    expect(cases.length + skipped.length).toBe(401);
    expect(count(cases, 'acceptable') + count(skipped, 'acceptable')).toBe(0);
  });

  it.each(
    cases.filter((c) => c.test.result === 'valid').map((c) => [c.test.tcId, c.group, c.test.comment, c]),
  )('tcId %i (%s, %s) verifies', (_id, _group, _comment, c) => {
    expect(outcome(c as Case)).toBe('valid');
  });

  it.each(
    cases.filter((c) => c.test.result === 'invalid').map((c) => [c.test.tcId, c.group, c.test.comment, c]),
  )('tcId %i (%s, %s) is refused', (_id, _group, _comment, c) => {
    expect(outcome(c as Case)).not.toBe('valid');
  });
});
