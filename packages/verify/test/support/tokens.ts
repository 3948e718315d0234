/**
 * Keys and tokens for the SDK's tests, signed with node:crypto directly so that any header or
 * claims text — duplicate names, wrong types, odd encodings — can be produced.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { Algorithm, JsonWebKeySet } from '../../src/index.js';

export const ISSUER = 'https://id.example.test';
export const AUDIENCE = 'https://billing.example.test';
/** A fixed instant (ms) for frozen-clock tests: 2026-01-01T00:00:00Z. */
export const NOW_MS = Date.UTC(2026, 0, 1);
export const NOW = NOW_MS / 1000;

export interface TestKey {
  readonly alg: Algorithm;
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public JWK as a JWKS publishes it (with kid, alg, use). */
  readonly jwk: Record<string, unknown>;
}

const params = {
  ES256: ['ec', { namedCurve: 'P-256' }],
  EdDSA: ['ed25519', {}],
  RS256: ['rsa', { modulusLength: 2048 }],
} as const;

const generated = new Map<string, TestKey>();

/** One key per (alg, kid), generated once per test file. */
export function testKey(alg: Algorithm, kid = `${alg.toLowerCase()}-1`, withAlg = true): TestKey {
  const id = `${alg}/${kid}/${withAlg}`;
  let key = generated.get(id);
  if (!key) {
    const [type, options] = params[alg];
    const { privateKey, publicKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', ...(withAlg ? { alg } : {}) };
    key = { alg, kid, privateKey, publicKey, jwk };
    generated.set(id, key);
  }
  return key;
}

export const jwksOf = (...keys: TestKey[]): JsonWebKeySet => ({ keys: keys.map((k) => k.jwk) });

export const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64url');

/** Signs `signingInput` (header.payload) as `alg` would. */
export function signInput(key: TestKey, signingInput: string, alg: Algorithm = key.alg): string {
  const digest = alg === 'EdDSA' ? null : 'sha256';
  const input =
    alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' as const } : key.privateKey;
  return sign(digest, Buffer.from(signingInput), input).toString('base64url');
}

/** Claims as Tessera issues them, valid at NOW for ISSUER and AUDIENCE. */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: 'usr_ada',
    aud: AUDIENCE,
    exp: NOW + 600,
    iat: NOW,
    jti: 'AAAAAAAAAAAAAAAA',
    client_id: 'tsr_app',
    roles: ['viewer'],
    permissions: ['invoices:read', 'reports:*'],
    ...overrides,
  };
}

export interface MintOptions {
  /** Header members to add or override; `undefined` values remove a member. */
  header?: Record<string, unknown>;
  /** Raw header JSON text (wins over `header`). */
  headerText?: string;
  /** Raw claims JSON text or bytes (wins over the claims object). */
  claimsText?: string | Buffer;
}

/** A compact JWS signed by `key`; by default a valid Tessera token. */
export function mint(
  key: TestKey,
  body: Record<string, unknown> = claims(),
  options: MintOptions = {},
): string {
  const header: Record<string, unknown> = { alg: key.alg, typ: 'at+jwt', kid: key.kid, ...options.header };
  for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
  const h = b64(options.headerText ?? JSON.stringify(header));
  const p = b64(options.claimsText ?? JSON.stringify(body));
  return `${h}.${p}.${signInput(key, `${h}.${p}`)}`;
}

/** Awaits a verification that must fail and returns its error code. */
export async function codeOf(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run();
  } catch (err) {
    return (err as { code?: string }).code ?? `not a VerifyError: ${String(err)}`;
  }
  return 'accepted';
}
