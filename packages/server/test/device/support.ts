/**
 * A real, listening Tessera for device-flow tests: store of the dialect, a clock the test can
 * move forward (real time plus an offset, so openid-client's own clock checks still pass), the
 * whole app through startServer, an admin caller, and helpers to provision a user who can sign
 * in on the pages and a public client registered for the device grant.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../../src/config/defaults.js';
import { hashPassword } from '../../src/core/accounts/passwords.js';
import { createClient } from '../../src/core/clients/service.js';
import type { Client, GrantType } from '../../src/core/model.js';
import { createRuntime } from '../../src/runtime.js';
import { type RunningServer, startServer, withFreePort } from '../../src/server.js';
import { Browser } from '../accounts/browser.js';
import { type ShiftClock, shiftClock } from '../keys/clock.js';
import { adminCaller, clientToken } from '../support/process.js';
import { type Dialect, openTestStore, type TestStore } from '../support/stores.js';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const DOCS = 'https://docs.example.com';
export const PASSWORD = 'correct horse battery staple';

export interface DeviceServer {
  url: string;
  server: RunningServer;
  test: TestStore;
  clock: ShiftClock;
  admin: ReturnType<typeof adminCaller>;
  /** A user holding `docs-reader` (docs:read), with a password for the login page. */
  user(name?: string): Promise<{ id: string; userName: string }>;
  /** A public client (auth `none`) for the device grant (and refresh_token unless told otherwise). */
  publicClient(options?: { grantTypes?: GrantType[]; defaultAudience?: string | null }): Promise<Client>;
  close(): Promise<void>;
}

let users = 0;

export async function startDeviceServer(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<DeviceServer> {
  const test = await openTestStore(dialect);
  const config = await withFreePort(
    loadConfig({
      TESSERA_HOST: '127.0.0.1',
      TESSERA_PORT: '0',
      TESSERA_DEVICE_CODE_INTERVAL: '1s',
      TESSERA_LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  const clock = shiftClock();
  const runtime = createRuntime(config, test.store, randomBytes(32), clock);
  const printed: string[] = [];
  const server = await startServer(config, {
    runtime,
    logger: pino({ level: 'silent' }),
    print: (line) => printed.push(line),
  }).catch(async (err) => {
    await test.cleanup();
    throw err;
  });
  const banner = printed.join('\n');
  const clientId = /client_id:\s+(\S+)/.exec(banner)?.[1] ?? '';
  const secret = /client_secret:\s+(\S+)/.exec(banner)?.[1] ?? '';
  const admin = adminCaller(server.url, () => clientToken(server.url, clientId, secret));
  await admin('POST', '/applications', { name: 'Docs', audience: DOCS, namespace: 'docs' });
  await admin('POST', '/roles', { name: 'docs-reader', permissions: ['docs:read'] });
  const ctx = runtime.ctx;
  return {
    url: server.url,
    server,
    test,
    clock,
    admin,
    async user(name) {
      users += 1;
      const userName = name ?? `user${users}-${randomBytes(3).toString('hex')}`;
      const user = await admin<{ id: string; userName: string }>('POST', '/users', {
        userName,
        emails: [{ value: `${userName}@example.com`, primary: true }],
      });
      await admin('PUT', `/users/${user.id}/roles/docs-reader`);
      await test.store.setPasswordHash(user.id, await hashPassword(PASSWORD), clock.now());
      return user;
    },
    async publicClient(options = {}) {
      const created = await createClient(
        ctx,
        { type: 'system', id: 'test' },
        {
          name: `Device app ${randomBytes(3).toString('hex')}`,
          type: 'public',
          tokenEndpointAuthMethod: 'none',
          grantTypes: options.grantTypes ?? [DEVICE_GRANT, 'refresh_token'],
          defaultAudience: options.defaultAudience === undefined ? DOCS : options.defaultAudience,
        },
      );
      return created.client;
    },
    async close() {
      await server.close();
      await test.cleanup();
    },
  };
}

/** Signs `userName` in through the real /login page, starting from `path` (which redirects there). */
export async function signInAt(browser: Browser, path: string, userName: string): Promise<string> {
  const first = await browser.get(path);
  if (first.status !== 303 || !first.location?.startsWith('/login')) {
    throw new Error(`expected a redirect to /login from ${path}, got ${first.status} ${first.location}`);
  }
  const signedIn = await browser.submit(first.location, { username: userName, password: PASSWORD });
  if (signedIn.status !== 303 || signedIn.location === null) {
    throw new Error(`sign-in failed: ${signedIn.status}\n${signedIn.body}`);
  }
  return signedIn.location;
}

/**
 * The user's whole visit: sign in (from verification_uri_complete), see the confirmation page,
 * press Approve (or Deny). Returns the confirmation page and the final page.
 */
export async function decideInBrowser(
  base: string,
  verificationUriComplete: string,
  userName: string,
  action: 'approve' | 'deny',
): Promise<{ confirm: string; done: { status: number; body: string } }> {
  const browser = new Browser(base);
  const complete = new URL(verificationUriComplete);
  const back = await signInAt(browser, complete.pathname + complete.search, userName);
  const confirm = await browser.get(back);
  if (confirm.status !== 200) throw new Error(`confirmation page: ${confirm.status}\n${confirm.body}`);
  const done = await browser.submit(back, { action }, '/device');
  return { confirm: confirm.body, done };
}
