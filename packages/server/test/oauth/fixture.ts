/**
 * A token endpoint on a real SQLite store: key ring, token service and the oauth and
 * well-known plugins in a bare Fastify app, seeded through the Store port.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CoreContext } from '../../src/core/context.js';
import { EventBus } from '../../src/core/events.js';
import { hashSecret, randomSecret, uuidv7 } from '../../src/core/ids.js';
import { KeyRing } from '../../src/core/keys/keyring.js';
import { createKeyVault } from '../../src/core/keys/vault.js';
import type { Application, Client, KeyAlgorithm, Role } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { TokenService, type TokenServiceOptions } from '../../src/core/tokens/token-service.js';
import { TokenEndpointLimits } from '../../src/http/oauth/limits.js';
import { oauthRoutes } from '../../src/http/oauth/token.js';
import { wellKnownRoutes } from '../../src/http/well-known/plugin.js';
import { frozenClock, MINUTE, type TestClock } from '../keys/clock.js';
import { openTestStore, type TestStore } from '../support/stores.js';

export const ISSUER = 'https://id.tessera.test';
export const BILLING = 'https://billing.test/api';
export const CRM = 'https://crm.test';

export interface SeededClient {
  client: Client;
  secret: string;
}

export interface Fixture {
  app: FastifyInstance;
  test: TestStore;
  store: Store;
  clock: TestClock;
  bus: EventBus;
  ctx: CoreContext;
  keyRing: KeyRing;
  tokens: TokenService;
  /** Milliseconds on the rate limiter's clock. */
  limiterTime: { now: number };
  apps: { billing: Application; crm: Application };
  roles: { billingReader: Role; billingAdmin: Role; crmReader: Role };
  clients: { main: SeededClient; noDefault: SeededClient; disabled: SeededClient; noGrant: SeededClient };
  close(): Promise<void>;
}

export async function startFixture(
  options: { algorithm?: KeyAlgorithm; service?: Partial<TokenServiceOptions> } = {},
): Promise<Fixture> {
  const test = await openTestStore('sqlite');
  const { store } = test;
  const clock = frozenClock();
  const bus = new EventBus();
  const keyRing = new KeyRing({
    store,
    vault: createKeyVault(new Uint8Array(randomBytes(32))),
    clock,
    bus,
    algorithm: options.algorithm ?? 'ES256',
    maxTokenLifetimeMs: 10 * MINUTE,
  });
  await keyRing.tick();

  const now = clock.now();
  const application = (name: string, audience: string, namespace: string): Application => ({
    id: uuidv7(),
    name,
    audience,
    namespace,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  const apps = { billing: application('Billing', BILLING, 'billing'), crm: application('CRM', CRM, 'crm') };
  for (const app of Object.values(apps)) await store.insertApplication(app);

  const role = (name: string, permissions: string[]): Role => ({
    id: uuidv7(),
    name,
    description: name,
    permissions,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  const roles = {
    billingReader: role('billing-reader', ['billing:read', 'billing:export']),
    billingAdmin: role('billing-admin', ['billing:*']),
    crmReader: role('crm-reader', ['crm:read']),
  };
  for (const r of Object.values(roles)) await store.insertRole(r);

  const client = async (name: string, fields: Partial<Client>, granted: Role[]): Promise<SeededClient> => {
    const secret = randomSecret();
    const record: Client = {
      id: uuidv7(),
      clientId: `tsr_${name}`,
      name,
      secretHash: hashSecret(secret),
      grantTypes: ['client_credentials'],
      defaultAudience: BILLING,
      type: 'confidential',
      tokenEndpointAuthMethod: 'client_secret_basic',
      redirectUris: [],
      postLogoutRedirectUris: [],
      firstParty: false,
      jwks: null,
      enabled: true,
      version: 1,
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
    await store.insertClient(record);
    for (const r of granted) await store.grantClientRole(record.id, r.id);
    return { client: record, secret };
  };
  const clients = {
    main: await client('main', {}, [roles.billingReader, roles.crmReader]),
    noDefault: await client('nodefault', { defaultAudience: null }, [roles.billingAdmin]),
    disabled: await client('disabled', { enabled: false }, [roles.billingReader]),
    noGrant: await client('nogrant', { grantTypes: [] }, [roles.billingReader]),
  };

  const tokens = new TokenService({
    store,
    keyRing,
    clock,
    bus,
    issuer: ISSUER,
    syncIntervalMs: 0,
    rateLimit: { failuresPerMinute: 5, perClientPerMinute: 1000 },
    ...options.service,
  });
  const limiterTime = { now: 1_000_000 };
  const app = Fastify({ logger: false });
  await app.register(wellKnownRoutes, { keyRing, issuer: ISSUER });
  await app.register(oauthRoutes, {
    tokens,
    limits: new TokenEndpointLimits(tokens.rateLimit, () => limiterTime.now),
  });
  await app.ready();

  return {
    app,
    test,
    store,
    clock,
    bus,
    ctx: { store, clock, bus },
    keyRing,
    tokens,
    limiterTime,
    apps,
    roles,
    clients,
    async close() {
      await app.close();
      await test.cleanup();
    },
  };
}

export const basic = (clientId: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

export const form = (params: Record<string, string | string[]>): string => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  return body.toString();
};

/** POSTs a form to /oauth2/token, with Basic auth when `auth` is given. */
export async function requestToken(
  app: FastifyInstance,
  params: Record<string, string | string[]>,
  auth?: SeededClient,
  headers: Record<string, string> = {},
) {
  const res = await app.inject({
    method: 'POST',
    url: '/oauth2/token',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(auth ? { authorization: basic(auth.client.clientId, auth.secret) } : {}),
      ...headers,
    },
    payload: form(params),
  });
  return { status: res.statusCode, headers: res.headers, json: res.json() as Record<string, unknown> };
}

/** The payload of a compact JWT, unverified (tests verify separately). */
export const claimsOf = (token: unknown): Record<string, unknown> =>
  JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8'));
