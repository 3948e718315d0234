/**
 * Several Tessera instances on one PostgreSQL database: a change made through instance A reaches
 * a verifier that follows instance B's event stream (PostgreSQL LISTEN/NOTIFY wakes B; the
 * content comes from the shared event table). Two server processes, as in production.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  adminCaller,
  clientToken,
  type ServerProcess,
  startServerProcess,
} from '../../../server/test/support/process.js';
import { describeDialects, TEST_DATABASE_URL } from '../../../server/test/support/stores.js';
import { createVerifier, type Verifier, type VerifyError } from '../../src/index.js';
import { createLiveOverlay } from '../../src/live/overlay.js';

const DOCS = 'https://docs.example.test';

describeDialects('live overlay across two Tessera processes on PostgreSQL', () => {
  const schema = `live_${process.pid}_${randomBytes(4).toString('hex')}`;
  const dirs = [mkdtempSync(join(tmpdir(), 'tessera-a-')), mkdtempSync(join(tmpdir(), 'tessera-b-'))];
  let a: ServerProcess;
  let b: ServerProcess | undefined;
  let verifier: Verifier | undefined;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    await admin.end();
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const env = {
      TESSERA_DATABASE_URL: url.toString(),
      TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
      TESSERA_WORKERS: '1',
    };
    a = await startServerProcess({ ...env, TESSERA_DATA_DIR: dirs[0] ?? '' });
    b = await startServerProcess({ ...env, TESSERA_DATA_DIR: dirs[1] ?? '' });
  }, 60_000);
  afterAll(async () => {
    verifier?.close();
    await a?.stop();
    await b?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  });

  it('B bootstraps nothing; a grant made through A changes a token verified against B', async () => {
    expect(b?.credentials).toBeUndefined();
    const { clientId, clientSecret } = a.credentials ?? {};
    if (!clientId || !clientSecret || !b) throw new Error('no bootstrap credentials');
    const adminToken = await clientToken(a.url, clientId, clientSecret);
    const call = adminCaller(a.url, adminToken);
    await call('POST', '/applications', { name: 'docs', audience: DOCS, namespace: 'docs' });
    await call('POST', '/roles', { name: 'reader', permissions: ['docs:read'] });
    await call('POST', '/roles', { name: 'follower', permissions: ['tessera:events'] });
    const follower = await call('POST', '/clients', {
      name: 'svc',
      defaultAudience: 'urn:tessera:admin',
      roles: ['follower'],
    });
    const user = await call('POST', '/users', { userName: 'pat' });
    const token = (await call('POST', `/users/${user.id}/tokens`, { audience: DOCS })).access_token ?? '';

    // Both instances share issuer settings only if they share TESSERA_ISSUER; each derives its own
    // from its port, so the verifier trusts A's issuer and follows B's stream.
    const live = createLiveOverlay({
      eventsUri: `${b.url}/v1/events`,
      token: () => clientToken(b?.url ?? '', follower.clientId ?? '', follower.clientSecret ?? ''),
    });
    verifier = createVerifier({
      issuer: a.url,
      audience: DOCS,
      jwksUri: `${b.url}/.well-known/jwks.json`,
      clockTolerance: 5,
      live: { overlay: live },
    });
    await live.ready();
    expect((await verifier.verify(token)).permissions).toEqual([]);

    await call('PUT', `/users/${user.id}/roles/reader`);
    let permissions: readonly string[] = [];
    for (let i = 0; i < 200 && !permissions.includes('docs:read'); i++) {
      permissions = (await verifier.verify(token)).permissions;
      if (!permissions.includes('docs:read')) await new Promise((r) => setTimeout(r, 25));
    }
    expect(permissions).toEqual(['docs:read']);

    await call('PATCH', `/users/${user.id}`, { active: false });
    let code: string | undefined;
    for (let i = 0; i < 200 && code === undefined; i++) {
      try {
        await verifier.verify(token);
        await new Promise((r) => setTimeout(r, 25));
      } catch (err) {
        code = (err as VerifyError).code;
      }
    }
    expect(code).toBe('ERR_TOKEN_REVOKED');
  });
}, ['postgres']);
