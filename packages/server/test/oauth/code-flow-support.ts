/**
 * A listening Tessera whose issuer is its own URL (openid-client's discovery checks that), a
 * seeded world (application `api`, roles, a user with a password, clients of each kind), and a
 * minimal browser: a cookie jar over fetch that follows nothing by itself, so each test sees
 * every redirect the authorization server answers.
 */

import * as oidc from 'openid-client';
import { hashPassword } from '../../src/core/accounts/passwords.js';
import type { ClientInput } from '../../src/core/clients/service.js';
import { createClient } from '../../src/core/clients/service.js';
import type { Client } from '../../src/core/model.js';
import { freePort } from '../../src/server.js';
import { type ShiftClock, shiftClock } from '../keys/clock.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Dialect } from '../support/stores.js';

export const API = 'https://api.example';
export const REDIRECT = 'https://app.example/callback';
export const POST_LOGOUT = 'https://app.example/signed-out';
export const PASSWORD = 'correct horse battery staple';

export interface CodeWorld {
  t: TestApp;
  clock: ShiftClock;
  /** The issuer: http://127.0.0.1:<port>. */
  issuer: string;
  userId: string;
  /** Third party, confidential (client_secret_basic), refresh_token too. */
  web: { client: Client; secret: string };
  /** First party, public (PKCE only). */
  spa: Client;
  newClient(input: Partial<ClientInput> & { name: string }): Promise<{ client: Client; secret: string }>;
  createUser(userName: string, roles?: string[]): Promise<string>;
  /** openid-client configuration through discovery. */
  discover(
    clientId: string,
    auth: oidc.ClientAuth,
    metadata?: Partial<oidc.ClientMetadata>,
  ): Promise<oidc.Configuration>;
  close(): Promise<void>;
}

export async function startCodeWorld(dialect: Dialect, env: Record<string, string> = {}): Promise<CodeWorld> {
  const port = await freePort('127.0.0.1');
  const issuer = `http://127.0.0.1:${port}`;
  const clock = shiftClock();
  const t = await startTestApp(dialect, { env: { ...env, TESSERA_ISSUER: issuer }, clock });
  await t.app.listen({ host: '127.0.0.1', port });
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await t.admin(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
    return res.json;
  };
  await ok('POST', '/applications', { name: 'Example API', audience: API, namespace: 'api' });
  await ok('POST', '/roles', { name: 'api-reader', permissions: ['api:read'] });
  await ok('POST', '/roles', { name: 'api-writer', permissions: ['api:read', 'api:write'] });
  const hash = await hashPassword(PASSWORD);
  const createUser = async (userName: string, roles: string[] = ['api-reader']) => {
    const user = await ok('POST', '/users', {
      userName,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      displayName: 'Ada Lovelace',
      emails: [{ value: `${userName}@example.com`, primary: true }],
    });
    for (const role of roles) await ok('PUT', `/users/${user.id}/roles/${role}`);
    await t.runtime.store.setPasswordHash(user.id, hash, new Date());
    return user.id as string;
  };
  const userId = await createUser('ada', ['api-reader']);
  const actor = { type: 'system' as const, id: 'test' };
  const newClient: CodeWorld['newClient'] = async (input) => {
    const created = await createClient(t.runtime.ctx, actor, {
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [POST_LOGOUT],
      defaultAudience: API,
      ...input,
    });
    return { client: created.client, secret: created.clientSecret ?? '' };
  };
  const web = await newClient({ name: 'Web App' });
  const spa = (await newClient({ name: 'SPA', type: 'public', firstParty: true })).client;
  return {
    t,
    clock,
    issuer,
    userId,
    web,
    spa,
    newClient,
    createUser,
    async discover(clientId, auth, metadata = {}) {
      return oidc.discovery(new URL(issuer), clientId, metadata, auth, {
        execute: [oidc.allowInsecureRequests],
      });
    },
    close: () => t.close(),
  };
}

export interface BrowserResponse {
  status: number;
  location: string | undefined;
  body: string;
  headers: Headers;
}

/** A browser without JavaScript: a cookie jar, forms posted as urlencoded, redirects not followed. */
export class Browser {
  readonly #base: string;
  readonly #cookies = new Map<string, string>();

  constructor(base: string) {
    this.#base = base;
  }

  async get(url: string): Promise<BrowserResponse> {
    return this.#send(url, { method: 'GET' });
  }

  async post(url: string, form: Record<string, string> | [string, string][]): Promise<BrowserResponse> {
    return this.#send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Follows same-origin redirects until one leaves the server (or a page is shown). */
  async follow(first: BrowserResponse): Promise<BrowserResponse> {
    let res = first;
    for (let i = 0; i < 10 && res.location !== undefined; i++) {
      const next = new URL(res.location, this.#base);
      if (next.origin !== new URL(this.#base).origin) return res;
      res = await this.get(next.href);
    }
    return res;
  }

  /** Signs in through the real login page, starting from a 303 to it. */
  async signIn(
    loginRedirect: BrowserResponse,
    userName = 'ada',
    password = PASSWORD,
  ): Promise<BrowserResponse> {
    if (!loginRedirect.location?.startsWith('/login')) {
      throw new Error(`expected a redirect to /login, got ${loginRedirect.status} ${loginRedirect.location}`);
    }
    const page = await this.get(loginRedirect.location);
    const fields = hiddenFields(page.body);
    return this.post('/login', [...fields, ['username', userName], ['password', password]]);
  }

  /** Signs in directly at the login page (as if the user had opened it). */
  async signInDirectly(userName = 'ada', password = PASSWORD): Promise<void> {
    const res = await this.signIn(
      { status: 303, location: '/login?return_to=%2F', body: '', headers: new Headers() },
      userName,
      password,
    );
    if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  }

  clearCookies(): void {
    this.#cookies.clear();
  }

  async #send(url: string, init: RequestInit): Promise<BrowserResponse> {
    const cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(new URL(url, this.#base), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return {
      status: res.status,
      location: res.headers.get('location') ?? undefined,
      body: await res.text(),
      headers: res.headers,
    };
  }
}

/** The hidden inputs of the page's (first) form, in order. */
export function hiddenFields(page: string): [string, string][] {
  const out: [string, string][] = [];
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out.push([decode(match[1] ?? ''), decode(match[2] ?? '')]);
  }
  return out;
}

const decode = (value: string): string =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** PKCE, state and nonce for one authorization request, and its URL built by openid-client. */
export async function authorizationRequest(
  config: oidc.Configuration,
  params: Record<string, string> = {},
): Promise<{ url: URL; verifier: string; state: string; nonce: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile email api:read',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}
