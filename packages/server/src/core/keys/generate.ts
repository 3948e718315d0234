import { generateKeyPair as generateKeyPairCallback, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { KeyAlgorithm } from '../model.js';
import type { KeyVault } from '../ports.js';

const generateKeyPair = promisify(generateKeyPairCallback);

/** Fresh key material, sealed and ready to store; the times are decided by the caller. */
export interface KeyMaterial {
  kid: string;
  alg: KeyAlgorithm;
  publicJwk: JWK;
  privateKeySealed: string;
  privateKey: KeyObject;
}

/**
 * Length of a kid: 8 base64url characters (48 bits of the thumbprint). A handful of keys live at
 * once, so that is ample to tell them apart, and every token carries the kid.
 */
const KID_LENGTH = 8;

/**
 * Generates a key pair for `alg`: ES256 on P-256, EdDSA on Ed25519, RS256 with a 2048-bit
 * modulus (RFC 7518 §3.3: 2048 or larger). The kid is a prefix of the RFC 7638 thumbprint, so
 * it is short (every token carries it) and anyone can recompute it from the public key.
 */
export async function generateKeyMaterial(alg: KeyAlgorithm, vault: KeyVault): Promise<KeyMaterial> {
  const { publicKey, privateKey } = await newKeyPair(alg);
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = (await calculateJwkThumbprint(jwk, 'sha256')).slice(0, KID_LENGTH);
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return {
    kid,
    alg,
    publicJwk: { ...publicMembers(jwk), kid, alg, use: 'sig' },
    privateKeySealed: vault.seal(der, kid),
    privateKey,
  };
}

function newKeyPair(alg: KeyAlgorithm): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (alg) {
    case 'ES256':
      return generateKeyPair('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPair('ed25519');
    case 'RS256':
      return generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  }
}

/** The public members of a JWK per key type (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2); nothing else. */
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
  RSA: ['kty', 'n', 'e'],
};

/** Keeps only public key members, so a private member can never leak into a JWKS by accident. */
export function publicMembers(jwk: Record<string, unknown>): JWK {
  const out: Record<string, unknown> = {};
  for (const name of PUBLIC_MEMBERS[String(jwk.kty)] ?? []) {
    if (typeof jwk[name] === 'string') out[name] = jwk[name];
  }
  return out as JWK;
}
