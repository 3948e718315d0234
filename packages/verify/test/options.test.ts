import { describe, expect, it } from 'vitest';
import { createVerifier, type VerifierOptions } from '../src/index.js';
import { AUDIENCE, ISSUER, jwksOf, testKey } from './support/tokens.js';

const base: VerifierOptions = {
  issuer: ISSUER,
  audience: AUDIENCE,
  jwksUri: 'https://id.example.test/.well-known/jwks.json',
  clockTolerance: 30,
};
const bad = (patch: Record<string, unknown>) => () =>
  createVerifier({ ...base, ...patch } as VerifierOptions);

describe('createVerifier validates its options at creation (TypeError)', () => {
  it('accepts a sane configuration, with jwksUri or keys', () => {
    expect(() => createVerifier(base)).not.toThrow();
    const { jwksUri: _, ...rest } = base;
    expect(() => createVerifier({ ...rest, keys: jwksOf(testKey('ES256')) })).not.toThrow();
  });

  it.each([
    ['no issuer', { issuer: '' }],
    ['no audience', { audience: [] }],
    ['a non-string audience', { audience: [AUDIENCE, 3] }],
    ['both jwksUri and keys', { keys: { keys: [] } }],
    ['neither jwksUri nor keys', { jwksUri: undefined }],
    ['a relative jwksUri', { jwksUri: '/jwks.json' }],
    ['a non-http jwksUri', { jwksUri: 'file:///etc/jwks.json' }],
    ['a missing clockTolerance', { clockTolerance: undefined }],
    ['a clockTolerance over 5 minutes', { clockTolerance: 301 }],
    ['a negative clockTolerance', { clockTolerance: -1 }],
    ['a clockTolerance as a string', { clockTolerance: '30s' }],
    ['a zero maxTokenAge', { maxTokenAge: 0 }],
    ['an unknown algorithm', { algorithms: ['HS256'] }],
    ['no algorithm', { algorithms: [] }],
    ['a tiny maxTokenBytes', { maxTokenBytes: 10 }],
    ['a bad cache', { cache: { maxEntries: -5 } }],
    ['an unknown option (typo)', { audiences: [AUDIENCE] }],
    ['an unknown jwks option', { jwks: { cooldown: 5 } }],
    ['a live option without check', { live: { overlay: {} } }],
    ['a bad failMode', { live: { overlay: { check: () => undefined }, failMode: 'sometimes' } }],
    ['a bad signatureOn', { signatureOn: 'gpu' }],
  ])('refuses %s', (_name, patch) => {
    expect(bad(patch)).toThrow(TypeError);
  });

  it('refuses static keys of which none is usable', () => {
    const { jwksUri: _, ...rest } = base;
    const keys = { keys: [{ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }] };
    expect(() => createVerifier({ ...rest, keys })).toThrow(/no usable key/);
    const es = testKey('ES256');
    expect(() => createVerifier({ ...rest, keys: jwksOf(es), algorithms: ['EdDSA'] })).toThrow(TypeError);
  });
});
