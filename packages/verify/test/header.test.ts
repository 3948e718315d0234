import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVerifier, VerifyError } from '../src/index.js';
import {
  AUDIENCE,
  b64,
  claims,
  codeOf,
  ISSUER,
  jwksOf,
  mint,
  NOW_MS,
  signInput,
  testKey,
} from './support/tokens.js';

const es = testKey('ES256');
const ed = testKey('EdDSA');
const rs = testKey('RS256');
const verifier = (extra: Record<string, unknown> = {}) =>
  createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: jwksOf(es, ed, rs),
    clockTolerance: 5,
    cache: false,
    now: () => NOW_MS,
    ...extra,
  });
const v = verifier();

/** A token from raw header and claims texts, signed by `key`. */
const raw = (key = es, headerText: string, claimsText: string | Buffer = JSON.stringify(claims())) =>
  mint(key, {}, { headerText, claimsText });

describe('header rules (RFC 8725, RFC 7515)', () => {
  it('verifies each supported algorithm', async () => {
    for (const key of [es, ed, rs]) expect(await codeOf(() => v.verify(mint(key)))).toBe('accepted');
  });

  it.each(['jku', 'x5u', 'jwk', 'x5c', 'crit', 'b64'])('refuses a header carrying %s', async (name) => {
    const value =
      name === 'crit' ? ['exp'] : name === 'b64' ? false : name === 'jwk' ? es.jwk : 'https://evil.test/k';
    expect(await codeOf(() => v.verify(mint(es, claims(), { header: { [name]: value } })))).toBe(
      'ERR_HEADER_FORBIDDEN',
    );
  });

  it('pins the algorithm on the key: a token cannot choose another', async () => {
    // An ES256 key named by a header saying RS256, HS256 or none.
    for (const alg of ['RS256', 'HS256', 'EdDSA', 'ES384'])
      expect(await codeOf(() => v.verify(mint(es, claims(), { header: { alg } })))).toBe(
        'ERR_ALG_NOT_ALLOWED',
      );
    for (const alg of ['none', 'None', 'NONE']) {
      const h = b64(JSON.stringify({ alg, typ: 'at+jwt', kid: es.kid }));
      const token = `${h}.${b64(JSON.stringify(claims()))}.`;
      expect(await codeOf(() => v.verify(token))).toBe('ERR_TOKEN_MALFORMED'); // no signature part
      expect(await codeOf(() => v.verify(`${token}AAAA`))).toBe('ERR_ALG_NOT_ALLOWED');
    }
  });

  it('RS256 → HS256 confusion with the public key as the HMAC secret fails', async () => {
    const { createHmac } = await import('node:crypto');
    const pem = rs.publicKey.export({ format: 'pem', type: 'spki' });
    const h = b64(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: rs.kid }));
    const p = b64(JSON.stringify(claims()));
    const mac = createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url');
    expect(await codeOf(() => v.verify(`${h}.${p}.${mac}`))).toBe('ERR_ALG_NOT_ALLOWED');
  });

  it('refuses an unknown kid, a missing kid when several keys are published, and a huge kid', async () => {
    expect(await codeOf(() => v.verify(mint(es, claims(), { header: { kid: 'nope' } })))).toBe(
      'ERR_KEY_UNKNOWN',
    );
    expect(await codeOf(() => v.verify(mint(es, claims(), { header: { kid: undefined } })))).toBe(
      'ERR_KEY_UNKNOWN',
    );
    const single = verifier({ keys: jwksOf(es) });
    expect(await codeOf(() => single.verify(mint(es, claims(), { header: { kid: undefined } })))).toBe(
      'accepted',
    );
    expect(await codeOf(() => v.verify(mint(es, claims(), { header: { kid: 'k'.repeat(257) } })))).toBe(
      'ERR_TOKEN_MALFORMED',
    );
    expect(await codeOf(() => v.verify(mint(es, claims(), { header: { kid: 7 } })))).toBe(
      'ERR_TOKEN_MALFORMED',
    );
  });

  it('refuses duplicate member names in the header and in the claims (RFC 7515 §5.2)', async () => {
    const header = `{"alg":"ES256","typ":"at+jwt","kid":"${es.kid}","alg":"ES256"}`;
    expect(await codeOf(() => v.verify(raw(es, header)))).toBe('ERR_TOKEN_MALFORMED');
    const okHeader = `{"alg":"ES256","typ":"at+jwt","kid":"${es.kid}"}`;
    const body = JSON.stringify(claims());
    const twoAud = body.replace('"aud":', '"aud":"https://other.test","aud":');
    expect(await codeOf(() => v.verify(raw(es, okHeader, twoAud)))).toBe('ERR_TOKEN_MALFORMED');
    // Nested, and with an escaped name that decodes to the same key.
    const nested = body.replace('"jti":', '"cnf":{"x":1,"x":2},"jti":');
    expect(await codeOf(() => v.verify(raw(es, okHeader, nested)))).toBe('ERR_TOKEN_MALFORMED');
    const escaped = body.replace('"sub":', '"s\\u0075b":"usr_eve","sub":');
    expect(await codeOf(() => v.verify(raw(es, okHeader, escaped)))).toBe('ERR_TOKEN_MALFORMED');
    // Colons and quotes inside strings are not members.
    const tricky = body.replace('"jti":', '"note":"a:b \\"c\\":d\\\\","n2":"\\\\\\":","jti":');
    expect(await codeOf(() => v.verify(raw(es, okHeader, tricky)))).toBe('accepted');
  });

  it('refuses non-UTF-8, non-JSON and non-object headers and claims', async () => {
    const okHeader = `{"alg":"ES256","typ":"at+jwt","kid":"${es.kid}"}`;
    const latin1 = Buffer.from(JSON.stringify(claims({ sub: 'usr_zoë' })), 'latin1');
    expect(await codeOf(() => v.verify(raw(es, okHeader, latin1)))).toBe('ERR_TOKEN_MALFORMED');
    expect(await codeOf(() => v.verify(raw(es, okHeader, '{"iss":')))).toBe('ERR_TOKEN_MALFORMED');
    expect(await codeOf(() => v.verify(raw(es, okHeader, '[1,2]')))).toBe('ERR_TOKEN_MALFORMED');
    expect(await codeOf(() => v.verify(raw(es, okHeader, 'null')))).toBe('ERR_TOKEN_MALFORMED');
    expect(await codeOf(() => v.verify(raw(es, '"ES256"')))).toBe('ERR_TOKEN_MALFORMED');
    expect(await codeOf(() => v.verify(raw(es, `\uFEFF${okHeader}`)))).toBe('ERR_TOKEN_MALFORMED');
    expect(
      await codeOf(() =>
        v.verify(raw(es, okHeader, '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]')),
      ),
    ).toBe('ERR_TOKEN_MALFORMED');
  });

  it('caps the token size (default 8 KiB) before any other work', async () => {
    const big = mint(es, claims({ pad: 'x'.repeat(9000) }));
    expect(await codeOf(() => v.verify(big))).toBe('ERR_TOKEN_TOO_LARGE');
    expect(await codeOf(() => verifier({ maxTokenBytes: 16_384 }).verify(big))).toBe('accepted');
    expect(await codeOf(() => v.verify('a'.repeat(10_000_000)))).toBe('ERR_TOKEN_TOO_LARGE');
  });

  it('refuses non-canonical base64url, padding, whitespace and wrong part counts', async () => {
    const token = mint(es);
    const [h, p, s] = token.split('.') as [string, string, string];
    const cases = [
      `${h}.${p}`,
      `${h}.${p}.${s}.`,
      `${h}.${p}.${s}.${s}`,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s}==`,
      ` ${token}`,
      `${h}.${p}.${s.slice(0, 10)} ${s.slice(10)}`,
      `${h}.${p}.${s.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`,
      `${h}.${p}.+${s.slice(1)}`,
      `${h}.${p}./${s.slice(1)}`,
      '',
      '..',
      '...',
    ];
    for (const bad of cases) {
      const code = await codeOf(() => v.verify(bad));
      expect(
        ['ERR_TOKEN_MALFORMED', 'ERR_SIGNATURE_INVALID'],
        `${JSON.stringify(bad.slice(0, 12))}: ${code}`,
      ).toContain(code);
    }
    // A signature segment whose unused low bits are set decodes to the same bytes: refuse it.
    const last = s.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) + 1] as string;
    expect(Buffer.from(`${s.slice(0, -1)}${sibling}`, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(
      true,
    );
    expect(await codeOf(() => v.verify(`${h}.${p}.${s.slice(0, -1)}${sibling}`))).toBe('ERR_TOKEN_MALFORMED');
  });

  it('a signature by the wrong key, or over other bytes, is invalid', async () => {
    const other = testKey('ES256', 'other');
    const forged = mint(other, claims(), { header: { kid: es.kid } });
    expect(await codeOf(() => v.verify(forged))).toBe('ERR_SIGNATURE_INVALID');
    const [h, , s] = mint(es).split('.') as [string, string, string];
    const p2 = b64(JSON.stringify(claims({ permissions: ['invoices:*'] })));
    expect(await codeOf(() => v.verify(`${h}.${p2}.${s}`))).toBe('ERR_SIGNATURE_INVALID');
    // ES256 in DER instead of R ‖ S (RFC 7518 §3.4) is not a JWS signature.
    const { sign } = await import('node:crypto');
    const h3 = b64(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: es.kid }));
    const der = sign('sha256', Buffer.from(`${h3}.${p2}`), es.privateKey).toString('base64url');
    expect(await codeOf(() => v.verify(`${h3}.${p2}.${der}`))).toBe('ERR_SIGNATURE_INVALID');
    expect(signInput(es, `${h3}.${p2}`)).toMatch(/^[\w-]{86}$/);
  });

  it('never crashes: any string is accepted or refused with a VerifyError', async () => {
    const valid = mint(es);
    const parts = valid.split('.');
    const arbitraryToken = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.tuple(fc.string(), fc.string(), fc.string()).map((t) => t.join('.')),
      fc.tuple(fc.json(), fc.json()).map(([a, b]) => `${b64(a)}.${b64(b)}.${parts[2]}`),
      fc
        .tuple(fc.nat(valid.length - 1), fc.string({ minLength: 1, maxLength: 1 }))
        .map(([i, c]) => valid.slice(0, i) + c + valid.slice(i + 1)),
    );
    await fc.assert(
      fc.asyncProperty(arbitraryToken, async (token) => {
        for (const run of [() => v.verify(token), async () => v.verifySync(token)]) {
          const err = await run().then(
            () => undefined,
            (e: unknown) => e,
          );
          if (err !== undefined && !(err instanceof VerifyError)) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
