/**
 * Against a REAL Tessera: the compiled server as a child process (run `npm run build` first),
 * its tokens verified through its JWKS, and forced key rotations (`POST /admin/v1/keys/rotate`
 * with `{"immediate": true}`) after which a token from the new key verifies with exactly one
 * JWKS refetch, shared by every concurrent caller.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  built,
  clientToken,
  type ServerProcess,
  startServerProcess,
} from '../../../server/test/support/process.js';
import { can, createVerifier, type Verifier } from '../../src/index.js';

const ADMIN_AUDIENCE = 'urn:tessera:admin';

describe.skipIf(!built())('@tessera/verify against a running Tessera', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-verify-'));
  let server: ServerProcess;
  let token: () => Promise<string>;
  let verifier: Verifier;

  beforeAll(async () => {
    server = await startServerProcess({ TESSERA_DATA_DIR: dir, TESSERA_WORKERS: '1' });
    const { clientId, clientSecret } = server.credentials ?? {};
    if (!clientId || !clientSecret) throw new Error(`no bootstrap credentials:\n${server.output()}`);
    token = () => clientToken(server.url, clientId, clientSecret);
    verifier = createVerifier({
      issuer: server.url,
      audience: ADMIN_AUDIENCE,
      jwksUri: `${server.url}/.well-known/jwks.json`,
      clockTolerance: 5,
    });
  });
  afterAll(async () => {
    verifier?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const rotate = async (algorithm: 'ES256' | 'EdDSA' | 'RS256') => {
    const res = await fetch(`${server.url}/admin/v1/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ immediate: true, algorithm }),
    });
    expect(res.status).toBe(200);
  };
  const algOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[0] as string, 'base64url').toString()).alg;

  it("verifies the server's tokens through its JWKS", async () => {
    const t = await token();
    const principal = await verifier.verify(t);
    expect(principal.claims.iss).toBe(server.url);
    expect(principal.clientId).toBe(server.credentials?.clientId);
    expect(can(principal, 'tessera:admin')).toBe(true);
    expect(verifier.health()).toMatchObject({ status: 'ok', keys: { fetches: 1 } });
  });

  it('after a forced rotation to EdDSA, a new token verifies with exactly one JWKS refetch', async () => {
    const before = await token();
    await verifier.verify(before);
    const fetches = verifier.health().keys.fetches;
    await rotate('EdDSA');
    const fresh = await token();
    expect(algOf(fresh)).toBe('EdDSA');
    // Twenty requests carrying the new token at once: one refetch, no 401.
    const principals = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(fresh)));
    expect(principals.every((p) => p.sub === principals[0]?.sub)).toBe(true);
    expect(verifier.health().keys.fetches).toBe(fetches + 1);
    // Tokens of the retired key keep verifying (it stays published until they expire).
    const cold = createVerifier({
      issuer: server.url,
      audience: ADMIN_AUDIENCE,
      jwksUri: `${server.url}/.well-known/jwks.json`,
      clockTolerance: 5,
      cache: false,
      signatureOn: 'caller',
    });
    await expect(cold.verify(before)).resolves.toMatchObject({ clientId: server.credentials?.clientId });
    await expect(cold.verify(fresh)).resolves.toBeDefined();
    cold.close();
  });

  it('and again to RS256, with verifySync after ready()', async () => {
    await rotate('RS256');
    const fresh = await token();
    expect(algOf(fresh)).toBe('RS256');
    const sync = createVerifier({
      issuer: server.url,
      audience: ADMIN_AUDIENCE,
      jwksUri: `${server.url}/.well-known/jwks.json`,
      clockTolerance: 5,
    });
    await sync.ready();
    expect(sync.verifySync(fresh).clientId).toBe(server.credentials?.clientId);
    expect(sync.health().keys.kids.length).toBeGreaterThanOrEqual(3);
    sync.close();
  });

  it('refuses a token for another audience and a tampered one', async () => {
    const other = createVerifier({
      issuer: server.url,
      audience: 'https://billing.example.test',
      jwksUri: `${server.url}/.well-known/jwks.json`,
      clockTolerance: 5,
    });
    const t = await token();
    await expect(other.verify(t)).rejects.toMatchObject({ code: 'ERR_CLAIM_INVALID' });
    const [h, p, s] = t.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
    const fresh = createVerifier({
      issuer: server.url,
      audience: ADMIN_AUDIENCE,
      jwksUri: `${server.url}/.well-known/jwks.json`,
      clockTolerance: 5,
    });
    await expect(fresh.verify(flipped)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    other.close();
    fresh.close();
  });

  it('a second rotation within the cooldown is not refetched for (the price of storm resistance)', async () => {
    // The long-lived verifier refetched for the EdDSA key moments ago; the RS256 key that
    // signs now is unknown to it, and it will not refetch before the 30 s cooldown passes.
    const fetches = verifier.health().keys.fetches;
    await expect(verifier.verify(await token())).rejects.toMatchObject({ code: 'ERR_KEY_UNKNOWN' });
    expect(verifier.health().keys.fetches).toBe(fetches);
  });
});
