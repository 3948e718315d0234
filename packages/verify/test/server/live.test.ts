/**
 * The headline promise, end to end: a service verifying Tessera tokens with the live overlay
 * sees role grants and revokes, group and role changes, a disabled user, and revocations take
 * effect on a token it already holds — with no new token and no call per request. Against the
 * compiled server in a child process, through its real event stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminCaller,
  built,
  clientToken,
  type ServerProcess,
  startServerProcess,
} from '../../../server/test/support/process.js';
import { createVerifier, type Principal, type Verifier, VerifyError } from '../../src/index.js';
import { createLiveOverlay, type LiveOverlay } from '../../src/live/overlay.js';

const DOCS = 'https://docs.example.test';

describe.skipIf(!built())('live overlay against a running Tessera', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-live-'));
  let server: ServerProcess;
  let admin: ReturnType<typeof adminCaller>;
  let live: LiveOverlay;
  let verifier: Verifier;
  let userId: string;
  let token: string;

  beforeAll(async () => {
    // Two workers: changes made through one must reach a stream served by the other.
    server = await startServerProcess({ TESSERA_DATA_DIR: dir, TESSERA_WORKERS: '2' });
    const { clientId, clientSecret } = server.credentials ?? {};
    if (!clientId || !clientSecret) throw new Error(`no bootstrap credentials:\n${server.output()}`);
    const adminToken = await clientToken(server.url, clientId, clientSecret);
    admin = adminCaller(server.url, adminToken);
    await admin('POST', '/applications', { name: 'docs', audience: DOCS, namespace: 'docs' });
    await admin('POST', '/roles', { name: 'reader', permissions: ['docs:read'] });
    await admin('POST', '/roles', { name: 'writer', permissions: ['docs:write'] });
    await admin('POST', '/roles', { name: 'auditor', permissions: ['docs:audit', 'other:thing'] });
    await admin('POST', '/roles', { name: 'follower', permissions: ['tessera:events'] });
    const follower = await admin('POST', '/clients', {
      name: 'docs service',
      defaultAudience: 'urn:tessera:admin',
      roles: ['follower'],
    });
    userId = (await admin('POST', '/users', { userName: 'ann' })).id as string;
    await admin('PUT', `/users/${userId}/roles/reader`);
    token = (await admin('POST', `/users/${userId}/tokens`, { audience: DOCS })).access_token as string;

    live = createLiveOverlay({
      eventsUri: `${server.url}/v1/events`,
      token: () => clientToken(server.url, follower.clientId as string, follower.clientSecret as string),
    });
    verifier = createVerifier({
      issuer: server.url,
      audience: DOCS,
      jwksUri: `${server.url}/.well-known/jwks.json`,
      clockTolerance: 5,
      live: { overlay: live },
    });
    await live.ready();
  }, 60_000);
  afterAll(async () => {
    verifier?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Verifies the same token until `expectation` holds (the change travels asynchronously). */
  async function eventually(
    expectation: (result: Principal | VerifyError) => boolean,
  ): Promise<Principal | VerifyError> {
    let last: Principal | VerifyError | undefined;
    for (let i = 0; i < 200; i++) {
      try {
        last = await verifier.verify(token);
      } catch (err) {
        if (!(err instanceof VerifyError)) throw err;
        last = err;
      }
      if (expectation(last)) return last;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(
      `never held; last: ${last instanceof VerifyError ? last.code : JSON.stringify(last?.permissions)}`,
    );
  }
  const permissions = (r: Principal | VerifyError) => (r instanceof VerifyError ? [] : [...r.permissions]);

  it('starts from the token as issued', async () => {
    const principal = await verifier.verify(token);
    expect(principal.permissions).toEqual(['docs:read']);
    expect(principal.roles).toEqual(['reader']);
  });

  it('applies a role granted after issuance, to the same token', async () => {
    await admin('PUT', `/users/${userId}/roles/writer`);
    const result = await eventually((r) => permissions(r).includes('docs:write'));
    expect(permissions(result)).toEqual(['docs:read', 'docs:write']);
  });

  it('applies a role revoked after issuance', async () => {
    await admin('DELETE', `/users/${userId}/roles/reader`);
    expect(permissions(await eventually((r) => !permissions(r).includes('docs:read')))).toEqual([
      'docs:write',
    ]);
  });

  it("applies a change to a role's permissions (one event for the role), limited to the audience", async () => {
    await admin('PATCH', `/roles/writer`, { permissions: ['docs:write', 'docs:delete'] });
    expect(permissions(await eventually((r) => permissions(r).includes('docs:delete')))).toEqual([
      'docs:delete',
      'docs:write',
    ]);
  });

  it("applies a group joined, and then a role bound to that group (the group's one event)", async () => {
    const group = await admin('POST', '/groups', { displayName: 'Auditors' });
    await admin('POST', `/groups/${group.id}/members`, { add: [userId] });
    await admin('PUT', `/groups/${group.id}/roles/auditor`);
    const result = await eventually((r) => permissions(r).includes('docs:audit'));
    // other:thing belongs to another application's namespace: not in a docs token.
    expect(permissions(result)).toEqual(['docs:audit', 'docs:delete', 'docs:write']);
  });

  it('refuses the token once the user is disabled, and accepts it again when re-enabled', async () => {
    await admin('PATCH', `/users/${userId}`, { active: false });
    const refused = await eventually((r) => r instanceof VerifyError);
    expect((refused as VerifyError).code).toBe('ERR_TOKEN_REVOKED');
    await admin('PATCH', `/users/${userId}`, { active: true });
    await eventually((r) => !(r instanceof VerifyError));
  });

  it("refuses it after the user's tokens are revoked", async () => {
    await admin('POST', `/users/${userId}/revoke-tokens`);
    const refused = await eventually((r) => r instanceof VerifyError);
    expect((refused as VerifyError).code).toBe('ERR_TOKEN_REVOKED');
  });

  it('refuses one token revoked by jti, not another of the same user', async () => {
    // Tokens issued in the second of the user revocation above count as revoked with it (iat has
    // whole seconds): mint the new ones in the next second.
    await new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));
    token = (await admin('POST', `/users/${userId}/tokens`, { audience: DOCS })).access_token as string;
    const other = (await admin('POST', `/users/${userId}/tokens`, { audience: DOCS })).access_token as string;
    await eventually((r) => !(r instanceof VerifyError));
    const jti = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).jti;
    await admin('POST', '/tokens/revoke', { jti });
    expect(((await eventually((r) => r instanceof VerifyError)) as VerifyError).code).toBe(
      'ERR_TOKEN_REVOKED',
    );
    expect((await verifier.verify(other)).sub).toBe(userId);
  });

  it('refuses every token of a withdrawn signing key at once, before any JWKS refresh', async () => {
    token = (await admin('POST', `/users/${userId}/tokens`, { audience: DOCS })).access_token as string;
    await eventually((r) => !(r instanceof VerifyError));
    const kid = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid;
    await admin('POST', `/keys/${kid}/revoke`);
    expect(((await eventually((r) => r instanceof VerifyError)) as VerifyError).code).toBe(
      'ERR_TOKEN_REVOKED',
    );
  });

  it('reports its state in health()', () => {
    const health = verifier.health();
    expect(JSON.stringify(health)).toContain('"connected":true');
  });
});
