/**
 * The example service, protected by @tessera/verify with live updates, against the compiled
 * Tessera server: a role grant, a role revoke and a user disable take effect on the token the
 * caller already holds.
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
} from '../../packages/server/test/support/process.js';
import { type DocsService, startDocsService } from './service.js';

const AUDIENCE = 'https://docs.example.com';

describe.skipIf(!built())('example docs service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-example-'));
  let tessera: ServerProcess;
  let service: DocsService;
  let admin: ReturnType<typeof adminCaller>;
  let userId: string;
  let token: string;

  beforeAll(async () => {
    tessera = await startServerProcess({ TESSERA_DATA_DIR: dir });
    const { clientId, clientSecret } = tessera.credentials ?? {};
    if (!clientId || !clientSecret) throw new Error('no bootstrap credentials');
    const adminToken = await clientToken(tessera.url, clientId, clientSecret);
    admin = adminCaller(tessera.url, adminToken);
    await admin('POST', '/applications', { name: 'docs', audience: AUDIENCE, namespace: 'docs' });
    await admin('POST', '/roles', { name: 'docs-reader', permissions: ['docs:read'] });
    await admin('POST', '/roles', { name: 'docs-writer', permissions: ['docs:write'] });
    await admin('POST', '/roles', { name: 'event-follower', permissions: ['tessera:events'] });
    const follower = await admin('POST', '/clients', {
      name: 'docs service',
      defaultAudience: 'urn:tessera:admin',
      roles: ['event-follower'],
    });
    userId = (await admin('POST', '/users', { userName: 'dora' })).id ?? '';
    await admin('PUT', `/users/${userId}/roles/docs-reader`);
    token = (await admin('POST', `/users/${userId}/tokens`, { audience: AUDIENCE })).access_token ?? '';
    service = await startDocsService({
      issuer: tessera.url,
      audience: AUDIENCE,
      eventsToken: () => clientToken(tessera.url, follower.clientId ?? '', follower.clientSecret ?? ''),
    });
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    await tessera?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: string) =>
    fetch(`${service.url}/docs`, { method, headers: { authorization: `Bearer ${token}` } });
  /** Retries until the status is `want` (changes travel asynchronously, in milliseconds). */
  async function until(method: string, want: number): Promise<Response> {
    let res = await call(method);
    for (let i = 0; i < 200 && res.status !== want; i++) {
      await new Promise((r) => setTimeout(r, 25));
      res = await call(method);
    }
    return res;
  }

  it('reads with docs:read, and may not write', async () => {
    expect((await call('GET')).status).toBe(200);
    const refused = await call('POST');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('writes with the same token once docs-writer is granted', async () => {
    await admin('PUT', `/users/${userId}/roles/docs-writer`);
    expect((await until('POST', 201)).status).toBe(201);
  });

  it('stops reading with the same token once docs-reader is revoked', async () => {
    await admin('DELETE', `/users/${userId}/roles/docs-reader`);
    expect((await until('GET', 403)).status).toBe(403);
  });

  it('refuses the token altogether once the user is disabled', async () => {
    await admin('PATCH', `/users/${userId}`, { active: false });
    const res = await until('POST', 401);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
