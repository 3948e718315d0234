/**
 * The event stream's server restarts: while it is down past the staleness bound, a fail-closed
 * verifier refuses tokens with ERR_STALE (and says so in health()); when it is back on the same
 * address, the overlay resumes with Last-Event-ID and a change made after the restart reaches
 * the token the service holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
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
import {
  createLiveOverlay,
  createVerifier,
  type LiveOverlay,
  type Verifier,
  type VerifyError,
} from '../../src/index.js';

const DOCS = 'https://docs.example.test';

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

describe.skipIf(!built())('live overlay across a server restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-restart-'));
  let env: Record<string, string>;
  let server: ServerProcess;
  let credentials: { clientId: string; clientSecret: string };
  let follower: { clientId: string; clientSecret: string };
  let live: LiveOverlay;
  let verifier: Verifier;
  let userId: string;
  let token: string;
  // A fresh admin token per call: the server restarts in the middle of the test.
  const admin = <T = Record<string, string>>(method: string, path: string, body?: unknown) =>
    adminCaller(server.url, () => clientToken(server.url, credentials.clientId, credentials.clientSecret))<T>(
      method,
      path,
      body,
    );

  beforeAll(async () => {
    env = { TESSERA_DATA_DIR: dir, TESSERA_PORT: String(await freePort()), TESSERA_WORKERS: '1' };
    server = await startServerProcess(env);
    if (!server.credentials) throw new Error('no bootstrap credentials');
    credentials = server.credentials;
    await admin('POST', '/applications', { name: 'docs', audience: DOCS, namespace: 'docs' });
    await admin('POST', '/roles', { name: 'reader', permissions: ['docs:read'] });
    await admin('POST', '/roles', { name: 'follower', permissions: ['tessera:events'] });
    const created = await admin('POST', '/clients', {
      name: 'svc',
      defaultAudience: 'urn:tessera:admin',
      roles: ['follower'],
    });
    follower = { clientId: created.clientId ?? '', clientSecret: created.clientSecret ?? '' };
    userId = (await admin('POST', '/users', { userName: 'rita' })).id ?? '';
    token = (await admin('POST', `/users/${userId}/tokens`, { audience: DOCS })).access_token ?? '';
    live = createLiveOverlay({
      eventsUri: `${server.url}/v1/events`,
      token: () => clientToken(server.url, follower.clientId, follower.clientSecret),
      staleAfterMs: 1000,
      minRetryMs: 50,
      maxRetryMs: 200,
    });
    verifier = createVerifier({
      issuer: server.url,
      audience: DOCS,
      jwksUri: `${server.url}/.well-known/jwks.json`,
      clockTolerance: 5,
      live: { overlay: live, failMode: 'closed' },
    });
    await live.ready();
  }, 60_000);
  afterAll(async () => {
    verifier?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails closed while the stream is down, then resumes and applies later changes', async () => {
    expect((await verifier.verify(token)).permissions).toEqual([]);
    const before = live.position;
    await server.stop();
    // Past the staleness bound with no byte from the stream.
    let stale: VerifyError | undefined;
    for (let i = 0; i < 100 && !stale; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        await verifier.verify(token);
      } catch (err) {
        stale = err as VerifyError;
      }
    }
    expect(stale?.code).toBe('ERR_STALE');
    expect(JSON.stringify(verifier.health())).toContain('"stale":true');

    server = await startServerProcess(env);
    await admin('PUT', `/users/${userId}/roles/reader`);
    let permissions: readonly string[] = [];
    for (let i = 0; i < 200 && !permissions.includes('docs:read'); i++) {
      try {
        permissions = (await verifier.verify(token)).permissions;
      } catch {
        // still reconnecting
      }
      if (!permissions.includes('docs:read')) await new Promise((r) => setTimeout(r, 50));
    }
    expect(permissions).toEqual(['docs:read']);
    expect(live.position).toBeGreaterThan(before);
  });
});
