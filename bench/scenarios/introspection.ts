// What RFC 7662 introspection costs inside Tessera, in process (no HTTP): the Introspector the
// /oauth2/introspect route calls, on a real SQLite store of the compiled server
// (packages/server/dist), answering with the user's current rights (revocations, user status,
// roles from direct grants and groups, permissions from the role catalog, scope narrowing).
//
// Subjects:
// - "hot": 1,000 distinct user tokens, each already seen (what a resource server introspecting
//   the tokens of its active users costs): every call still checks revocation, the user, the
//   client and recomputes the permissions — from memory.
// - "first sight": every call introspects a token never seen before (signature verification on
//   the key ring included), with a fresh introspector per measurement so nothing is cached but
//   the store's own pages.
// The issue's target: p50 ≤ 1 ms in process.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario, Session, Subject } from '../lib/scenario.ts';
import { percentileOfSorted } from '../lib/stats.ts';

const DIST = fileURLToPath(new URL('../../packages/server/dist/', import.meta.url));
const API = 'https://api.example';
const TOKENS = 1_000;
const FIRST_SIGHT = 3_000;

type Ctx = { store: { close(): Promise<void> }; clock: unknown; bus: unknown };
interface Introspection {
  start(feed: unknown, bus?: unknown): Promise<void>;
  introspect(token: string): Promise<{ active: boolean; permissions?: string[] }>;
  close(): void;
}

interface World {
  tokens: string[];
  newIntrospector(): Promise<Introspection>;
  mint(n: number): Promise<string[]>;
  close(): Promise<void>;
}

const load = (path: string) => import(join(DIST, path));

async function openWorld(): Promise<World> {
  if (!existsSync(join(DIST, 'core/tokens/introspect.js'))) {
    throw new Error('tessera: server not built (packages/server/dist); run `npm run build` first');
  }
  const [
    { openStore },
    { loadConfig },
    { createRuntime },
    { bootstrap },
    feedMod,
    intro,
    apps,
    roles,
    users,
    grants,
    userToken,
  ] = await Promise.all([
    load('store/open.js'),
    load('config/defaults.js'),
    load('runtime.js'),
    load('core/bootstrap.js'),
    load('core/feed.js'),
    load('core/tokens/introspect.js'),
    load('core/applications/service.js'),
    load('core/roles/service.js'),
    load('core/users/service.js'),
    load('core/roles/grants.js'),
    load('core/tokens/user-token.js'),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-introspect-'));
  const store = await openStore({ sqlitePath: join(dir, 'tessera.db') });
  await store.migrate();
  const config = loadConfig({ TESSERA_ISSUER: 'http://127.0.0.1:8080' });
  const runtime = createRuntime(config, store, new Uint8Array(randomBytes(32)), undefined, 'caller');
  const ctx = runtime.ctx as Ctx;
  await runtime.keyRing.tick();
  await bootstrap(ctx);
  const actor = { type: 'system', id: 'bench' };
  await apps.createApplication(ctx, actor, { name: 'api', audience: API, namespace: 'api' });
  await roles.createRole(ctx, actor, { name: 'reader', permissions: ['api:read', 'api:list'] });
  await roles.createRole(ctx, actor, { name: 'writer', permissions: ['api:write'] });
  await roles.createRole(ctx, actor, { name: 'auditor', permissions: ['api:audit', 'other:thing'] });
  const userIds: string[] = [];
  for (let i = 0; i < 100; i++) {
    const user = await users.createUser(ctx, actor, { userName: `user${i}` });
    await grants.changeGrant(ctx, actor, 'grant', { type: 'user', id: user.id }, 'reader');
    if (i % 2 === 0) await grants.changeGrant(ctx, actor, 'grant', { type: 'user', id: user.id }, 'writer');
    if (i % 5 === 0) await grants.changeGrant(ctx, actor, 'grant', { type: 'user', id: user.id }, 'auditor');
    userIds.push(user.id);
  }
  const settings = { keyRing: runtime.keyRing, issuer: config.issuer, accessTokenLifetimeMs: 3_600_000 };
  const mint = async (n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const issued = await userToken.issueUserToken(ctx, settings, actor, userIds[i % userIds.length], API);
      out.push(issued.token);
    }
    return out;
  };
  const tokens = await mint(TOKENS);
  const feeds: { close(): Promise<void> }[] = [];
  const introspectors: Introspection[] = [];
  return {
    tokens,
    mint,
    async newIntrospector() {
      const feed = new feedMod.EventFeed({ store, bus: ctx.bus, pollMs: 3_600_000 });
      await feed.start();
      feeds.push(feed);
      const i: Introspection = new intro.Introspector({
        store,
        keyRing: runtime.keyRing,
        clock: ctx.clock,
        issuer: config.issuer,
        maxTokenLifetimeMs: 3_600_000,
        refreshTokens: { lifetimeMs: 86_400_000, idleLifetimeMs: 86_400_000, reuseGraceMs: 0 },
      });
      await i.start(feed, ctx.bus);
      introspectors.push(i);
      return i;
    },
    async close() {
      for (const i of introspectors) i.close();
      for (const f of feeds) await f.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sequential calls (one at a time, as a p50 means), each timed. */
async function timeCalls(
  introspector: Introspection,
  tokens: readonly string[],
  until: (calls: number, elapsedMs: number) => boolean,
): Promise<Record<string, number>> {
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; !until(i, performance.now() - start); i++) {
    const token = tokens[i % tokens.length] as string;
    const t0 = performance.now();
    const answer = await introspector.introspect(token);
    latencies.push(performance.now() - t0);
    if (!answer.active) throw new Error('a valid token introspected as inactive');
  }
  const elapsed = (performance.now() - start) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    opsPerSec: latencies.length / elapsed,
    // Microseconds: a hot call is a few µs, which milliseconds with two decimals would show as 0.
    latencyP50Us: percentileOfSorted(sorted, 50) * 1000,
    latencyP99Us: percentileOfSorted(sorted, 99) * 1000,
  };
}

const hot: Subject = {
  name: 'introspect (hot, 1,000 tokens)',
  role: 'subject',
  async start(): Promise<Session> {
    const world = await openWorld();
    const introspector = await world.newIntrospector();
    const first = await introspector.introspect(world.tokens[0] as string);
    for (const token of world.tokens) await introspector.introspect(token);
    return {
      notes: [`answer: ${JSON.stringify(first)}`, 'SQLite store, in process, calls one at a time'],
      measure: (seconds) => timeCalls(introspector, world.tokens, (_n, ms) => ms >= seconds * 1000),
      stop: () => world.close(),
    };
  },
};

const firstSight: Subject = {
  name: 'introspect (first sight)',
  role: 'subject',
  async start(): Promise<Session> {
    const world = await openWorld();
    return {
      notes: [
        `${FIRST_SIGHT} fresh tokens per measurement, a fresh introspector each time (duration ignored)`,
      ],
      async measure() {
        const tokens = await world.mint(FIRST_SIGHT);
        const introspector = await world.newIntrospector();
        const sample = await timeCalls(introspector, tokens, (n) => n >= tokens.length);
        introspector.close();
        return sample;
      },
      stop: () => world.close(),
    };
  },
};

export const introspection: Scenario = {
  name: 'introspection',
  description:
    'RFC 7662 introspection in process (the Introspector behind /oauth2/introspect) on a SQLite store: ' +
    'latency per call (µs) with the current-rights answer; target p50 ≤ 1 ms.',
  metrics: [
    // Unit 'ms' only for its two decimals; the values are µs.
    { key: 'latencyP50Us', label: 'latency p50 (µs)', unit: 'ms', better: 'lower' },
    { key: 'latencyP99Us', label: 'latency p99 (µs)', unit: 'ms', better: 'lower' },
    { key: 'opsPerSec', label: 'introspections/s (sequential)', unit: 'ops/s', better: 'higher' },
  ],
  headline: 'latencyP50Us',
  subjects: [hot, firstSight],
  comparisons: [],
};
