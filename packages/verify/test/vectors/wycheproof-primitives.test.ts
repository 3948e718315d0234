/**
 * Wycheproof's signature-primitive vectors through the primitive the verifier uses: a key
 * imported by importJwk (the public JWK of each group) and signatureValid (node:crypto's
 * one-shot verify with the key's pinned digest and, for ES256, the P1363 R ‖ S encoding and its
 * fixed 64-byte length).
 *
 * `acceptable` cases: the RSA file has one, tcId 8 (MissingNull: a DigestInfo without the NULL
 * parameters). We REJECT it — asserted below — as OpenSSL does: RFC 8017 §9.2 encodes the NULL,
 * and RS256 signers (Tessera, node:crypto) always write it. The other files have none.
 */
import { describe, expect, it } from 'vitest';
import { signatureValid } from '../../src/jws/verify-signature.js';
import { importJwk, type PinnedKey } from '../../src/keys/import-jwk.js';
import { readVectors, vectorsAvailable, type WycheproofGroup } from '../support/vectors.js';

const FILES = {
  'wycheproof/ed25519_test.json': { total: 151, jwk: (g: WycheproofGroup) => g.publicKeyJwk },
  'wycheproof/ecdsa_secp256r1_sha256_p1363_test.json': { total: 262, jwk: ecJwk },
  'wycheproof/rsa_signature_2048_sha256_test.json': { total: 259, jwk: (g: WycheproofGroup) => g.keyJwk },
} as const;

/** Some ECDSA groups give only the uncompressed point; write it as a JWK. */
function ecJwk(group: WycheproofGroup): unknown {
  if (group.publicKeyJwk) return group.publicKeyJwk;
  const point = Buffer.from((group.publicKey as { uncompressed: string }).uncompressed, 'hex');
  return {
    kty: 'EC',
    crv: 'P-256',
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33, 65).toString('base64url'),
  };
}

/** The known way each `acceptable` case goes. */
const ACCEPTABLE: Record<string, Record<number, boolean>> = {
  'wycheproof/rsa_signature_2048_sha256_test.json': { 8: false },
};

for (const [file, { total, jwk }] of Object.entries(FILES)) {
  const available = vectorsAvailable(file);
  describe.runIf(available)(file, () => {
    const groups = available ? readVectors(file).testGroups : [];
    const tests = groups.flatMap((group) => group.tests.map((test) => ({ group, test })));
    const count = (result: string) => tests.filter((t) => t.test.result === result).length;
    const keys = new Map<WycheproofGroup, PinnedKey>();
    const keyOf = (group: WycheproofGroup) => {
      let key = keys.get(group);
      if (!key) {
        const source = { ...(jwk(group) as Record<string, unknown>) };
        delete source.alg; // pinned from the key type, as for a JWKS key without alg
        key = importJwk(source);
        keys.set(group, key);
      }
      return key;
    };
    const verifies = (group: WycheproofGroup, msg: string, sig: string) =>
      signatureValid({
        key: keyOf(group),
        signingInput: Buffer.from(msg, 'hex'),
        signature: Buffer.from(sig, 'hex'),
      });

    it(`has ${total} cases: ${count('valid')} valid, ${count('invalid')} invalid, ${count('acceptable')} acceptable, 0 skipped`, () => {
      expect(tests.length).toBe(total);
    });

    it('every valid case verifies, every invalid one fails, acceptable ones go the documented way', () => {
      const wrong: string[] = [];
      for (const { group, test } of tests) {
        const got = verifies(group, String(test.msg), String(test.sig));
        const want = test.result === 'acceptable' ? ACCEPTABLE[file]?.[test.tcId] : test.result === 'valid';
        if (got !== want)
          wrong.push(`tcId ${test.tcId} (${test.result}, ${test.flags.join(',')}): got ${got}`);
      }
      expect(wrong).toEqual([]);
    });
  });
}
