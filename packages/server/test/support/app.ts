/**
 * A whole Tessera (store of the given dialect, key ring, token service, HTTP app) for HTTP-level
 * tests through `app.inject()`, plus an admin token obtained through the real token endpoint.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config/defaults.js';
import { bootstrap, createAdminClient } from '../../src/core/bootstrap.js';
import { EventFeed } from '../../src/core/feed.js';
import type { Clock, Store } from '../../src/core/ports.js';
import { RevocationList } from '../../src/core/tokens/revocation-list.js';
import { type AppDeps, buildApp } from '../../src/http/app.js';
import { createRuntime, createTokenService, type Runtime } from '../../src/runtime.js';
import { type Dialect, openTestStore } from './stores.js';

export interface TestApp {
  app: FastifyInstance;
  feed: EventFeed;
  runtime: Runtime;
  adminClientId: string;
  adminSecret: string;
  /** A fresh admin access token. */
  adminToken(): Promise<string>;
  /** JSON request to the admin API with the admin token. */
  admin(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<InjectResult>;
  close(): Promise<void>;
}

export interface InjectResult {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience for reading response JSON
  json: any;
}

export async function startTestApp(
  dialect: Dialect,
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    logger?: Logger;
    /** An already-open store (a second instance on the same database); cleanup stays with its owner. */
    store?: Store;
    /** Instances sharing a store must share the master key. Default: a fresh random key. */
    masterKey?: Uint8Array;
    /** Stream tuning for /v1/events; the feed polls only as often as `pollMs` (default: never). */
    events?: AppDeps['events'] & { pollMs?: number };
  } = {},
): Promise<TestApp> {
  const opened = options.store ? undefined : await openTestStore(dialect);
  const store = options.store ?? (opened as NonNullable<typeof opened>).store;
  const cleanup = async () => {
    stopRevocations();
    await feed.close();
    await opened?.cleanup();
  };
  const config = loadConfig({ TESSERA_ISSUER: 'http://tessera.test', ...options.env });
  const runtime = createRuntime(config, store, options.masterKey ?? randomBytes(32), options.clock);
  await runtime.keyRing.tick();
  const created = options.store
    ? await createAdminClient(runtime.ctx, { type: 'system', id: 'test' }, 'test admin')
    : await bootstrap(runtime.ctx);
  if (!created) throw new Error('fresh store did not bootstrap');
  const feed = new EventFeed({ store, bus: runtime.ctx.bus, pollMs: options.events?.pollMs ?? 3_600_000 });
  await feed.start();
  const revocations = new RevocationList(runtime.ctx.clock);
  const stopRevocations = await revocations.start(store, feed, config.accessTokenLifetimeMs, runtime.ctx.bus);
  const tokens = createTokenService(runtime, { logger: options.logger ?? false });
  const app = await buildApp({
    config,
    ctx: runtime.ctx,
    keyRing: runtime.keyRing,
    vault: runtime.vault,
    tokens,
    logger: options.logger ?? false,
    feed,
    revocations,
    ...(options.events ? { events: options.events } : {}),
  });
  const basic = Buffer.from(`${created.client.clientId}:${created.clientSecret}`).toString('base64');
  const adminToken = async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials',
    });
    if (res.statusCode !== 200) throw new Error(`admin token: ${res.statusCode} ${res.body}`);
    return res.json().access_token as string;
  };
  let token = await adminToken();
  return {
    app,
    feed,
    runtime,
    adminClientId: created.client.clientId,
    adminSecret: created.clientSecret ?? '',
    adminToken,
    async admin(method, path, body, headers = {}) {
      const res = await app.inject({
        method: method as 'GET',
        url: `/admin/v1${path}`,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      let json: unknown;
      try {
        json = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        json = undefined;
      }
      if (res.statusCode === 401) token = await adminToken();
      return { status: res.statusCode, headers: res.headers, body: res.body, json };
    },
    async close() {
      await app.close();
      await cleanup();
    },
  };
}
