/**
 * One conformance suite, run against each adapter (node:http, Express, Fastify, Hono) on a real
 * listening server: RFC 6750 §3 answers, exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../../src/index.js';
import * as nd from '../../src/middleware/node.js';
import { AUDIENCE, claims, ISSUER, jwksOf, mint, NOW, testKey } from '../support/tokens.js';
import { FRAMEWORKS, type RunningApp } from './apps.js';

const key = testKey('ES256');
const REALM = 'Bearer realm="billing"';

describe.each(Object.keys(FRAMEWORKS))('%s adapter (RFC 6750)', (framework) => {
  let app: RunningApp;
  let down: RunningApp;
  beforeAll(async () => {
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: jwksOf(key),
      clockTolerance: 5,
      now: () => NOW * 1000,
    });
    app = await (FRAMEWORKS[framework] as (v: Verifier) => Promise<RunningApp>)(verifier);
    const failing = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: 'http://127.0.0.1:9/jwks.json',
      clockTolerance: 5,
      jwks: { fetch: async () => new Response('no', { status: 500 }) },
    });
    down = await (FRAMEWORKS[framework] as (v: Verifier) => Promise<RunningApp>)(failing);
  });
  afterAll(async () => {
    await app.close();
    await down.close();
  });

  const call = async (path: string, authorization?: string, base = app) => {
    const res = await fetch(`${base.url}${path}`, authorization ? { headers: { authorization } } : {});
    return { status: res.status, challenge: res.headers.get('www-authenticate'), text: await res.text() };
  };

  it('no token: 401 with just the realm, no error code (§3.1)', async () => {
    expect(await call('/me')).toMatchObject({ status: 401, challenge: REALM });
    expect(await call('/me', 'Basic dXNlcjpwYXNz')).toMatchObject({ status: 401, challenge: REALM });
  });

  it('a malformed Authorization header: 400 invalid_request', async () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a"b']) {
      const r = await call('/me', header);
      expect(r.status).toBe(400);
      expect(r.challenge).toMatch(
        /^Bearer realm="billing", error="invalid_request", error_description="[^"]+"$/,
      );
    }
  });

  it('a bad token: 401 invalid_token with a description, never echoing the token', async () => {
    const expired = mint(key, claims({ exp: NOW - 60 }));
    const r = await call('/me', `Bearer ${expired}`);
    expect(r.status).toBe(401);
    expect(r.challenge).toBe(`${REALM}, error="invalid_token", error_description="the access token expired"`);
    expect(JSON.parse(r.text)).toEqual({
      error: 'invalid_token',
      error_description: 'the access token expired',
    });
    const forged = `${expired.slice(0, -4)}AAAA`;
    const r2 = await call('/me', `bearer ${forged}`);
    expect(r2.status).toBe(401);
    expect(r2.challenge).toMatch(/error="invalid_token"/);
    for (const part of forged.split('.')) {
      expect(r2.text).not.toContain(part);
      expect(r2.challenge).not.toContain(part);
    }
  });

  it('a valid token passes and exposes the principal', async () => {
    expect(await call('/me', `Bearer ${mint(key)}`)).toMatchObject({
      status: 200,
      text: '{"sub":"usr_ada"}',
    });
    expect(await call('/read', `Bearer ${mint(key)}`)).toMatchObject({ status: 200 });
    expect(await call('/export', `Bearer ${mint(key)}`)).toMatchObject({ status: 200 }); // reports:*
  });

  it('a missing permission: 403 insufficient_scope naming the scope needed', async () => {
    const r = await call('/write', `Bearer ${mint(key)}`);
    expect(r.status).toBe(403);
    expect(r.challenge).toBe(
      `${REALM}, error="insufficient_scope", error_description="the access token does not grant invoices:write", scope="invoices:write"`,
    );
  });

  it('keys unavailable: 503 server_error without a challenge (the token may be fine)', async () => {
    const r = await call('/me', `Bearer ${mint(key)}`, down);
    expect(r.status).toBe(503);
    expect(r.challenge).toBeNull();
    expect(JSON.parse(r.text)).toMatchObject({ error: 'server_error' });
  });
});

describe('adapters validate their options at setup', () => {
  it('throws TypeError for a missing verifier, a bad realm or a bad permission', () => {
    expect(() => nd.bearerAuth({} as never)).toThrow(TypeError);
    const verifier = { verify: async () => undefined as never };
    expect(() => nd.bearerAuth({ verifier, realm: 'a"b' })).toThrow(TypeError);
    expect(() => nd.requirePermission()).toThrow(TypeError);
    expect(() => nd.requirePermission('invoices')).toThrow(TypeError);
    expect(() => nd.requirePermission('invoices:read', 'x y:z')).toThrow(TypeError);
  });
});

describe('node:http withAuth wrapper', () => {
  it('runs the handler only for authorized requests, with the principal', async () => {
    const { createServer } = await import('node:http');
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: jwksOf(key),
      clockTolerance: 5,
      now: () => NOW * 1000,
    });
    const server = createServer(
      nd.withAuth({ verifier, permissions: ['invoices:read'] }, (req, res, principal) => {
        res.end(`${principal.sub} ${nd.principalOf(req)?.clientId}`);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const ok = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { authorization: `Bearer ${mint(key)}` },
    });
    expect([ok.status, await ok.text()]).toEqual([200, 'usr_ada tsr_app']);
    const scoped = mint(key, claims({ permissions: ['reports:read'] }));
    const denied = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { authorization: `Bearer ${scoped}` },
    });
    expect(denied.status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(401);
    await new Promise((resolve) => server.close(resolve));
  });
});
