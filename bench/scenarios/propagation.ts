// How fast a change of access reaches verifiers that hold a token already: 20 verifiers
// (@tessera/verify with the live overlay, each with its own event-stream connection) follow
// Tessera; an admin grants or revokes a role of the token's user ≥200 times in a row; each
// change's latency is the time from the admin API's response until every verifier has applied
// it (the overlay applies an event synchronously, so the next verify() sees it). Once on the
// embedded SQLite store, once with two instances on one PostgreSQL database (admin writes to
// A, verifiers follow B). Anchor: a plain HTTP round trip to the same server.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Scenario, Session, Subject } from '../lib/scenario.ts';
import { percentileOfSorted } from '../lib/stats.ts';
import { startTessera, type Tessera } from '../lib/tessera.ts';

const VERIFIERS = 20;
const CHANGES = 200;
const DOCS = 'https://docs.bench.test';
const VERIFY_DIST = fileURLToPath(new URL('../../packages/verify/dist/', import.meta.url));
const TEST_DATABASE_URL = process.env.TESSERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface VerifyModule {
  createVerifier(options: Record<string, unknown>): {
    verify(token: string): Promise<{ permissions: readonly string[] }>;
    close(): void;
  };
}
interface LiveModule {
  createLiveOverlay(options: Record<string, unknown>): { ready(): Promise<void>; close?(): void };
}

async function loadSdk(): Promise<{ verify: VerifyModule; live: LiveModule }> {
  if (!existsSync(`${VERIFY_DIST}index.js`))
    throw new Error('@tessera/verify not built; run npm run build first');
  return {
    verify: (await import(`${VERIFY_DIST}index.js`)) as VerifyModule,
    live: (await import(`${VERIFY_DIST}live/overlay.js`)) as LiveModule,
  };
}

async function clientToken(url: string, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Sets up a user with a token, starts the verifiers on `follow`, and measures changes made through `write`. */
async function propagationSession(
  write: Tessera,
  follow: Tessera,
  stopAll: () => Promise<void>,
): Promise<Session> {
  const sdk = await loadSdk();
  const adminToken = await clientToken(write.url, write.clientId, write.clientSecret);
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${write.url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, string>) : {};
  };
  await admin('POST', '/applications', { name: 'docs', audience: DOCS, namespace: 'docs' });
  await admin('POST', '/roles', { name: 'reader', permissions: ['docs:read'] });
  await admin('POST', '/roles', { name: 'writer', permissions: ['docs:write'] });
  await admin('POST', '/roles', { name: 'follower', permissions: ['tessera:events'] });
  const follower = await admin('POST', '/clients', {
    name: 'verifiers',
    defaultAudience: 'urn:tessera:admin',
    roles: ['follower'],
  });
  const user = await admin('POST', '/users', { userName: 'bench-user' });
  await admin('PUT', `/users/${user.id}/roles/reader`);
  const token = (await admin('POST', `/users/${user.id}/tokens`, { audience: DOCS })).access_token ?? '';
  const eventsToken = await clientToken(follow.url, follower.clientId ?? '', follower.clientSecret ?? '');

  // Per verifier: when each of the user's access changes was applied (performance.now()).
  const arrivals: number[][] = Array.from({ length: VERIFIERS }, () => []);
  const waiters = new Set<() => void>();
  const verifiers: ReturnType<VerifyModule['createVerifier']>[] = [];
  const overlays: ReturnType<LiveModule['createLiveOverlay']>[] = [];
  for (let v = 0; v < VERIFIERS; v++) {
    const overlay = sdk.live.createLiveOverlay({
      eventsUri: `${follow.url}/v1/events`,
      token: eventsToken,
      onEvent: (event: { type: string; subjectId: string }) => {
        if (event.type === 'user.access_changed' && event.subjectId === user.id) {
          arrivals[v]?.push(performance.now());
          for (const wake of [...waiters]) wake();
        }
      },
    });
    overlays.push(overlay);
    verifiers.push(
      sdk.verify.createVerifier({
        issuer: write.url,
        audience: DOCS,
        jwksUri: `${follow.url}/.well-known/jwks.json`,
        clockTolerance: 5,
        live: { overlay },
      }),
    );
  }
  await Promise.all(overlays.map((o) => o.ready()));
  const allReached = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`change ${count} did not reach every verifier in 10 s`)),
        10_000,
      );
      const check = () => {
        if (arrivals.every((a) => a.length >= count)) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      waiters.add(check);
      check();
    });

  let granted = false;
  return {
    notes: [
      `${VERIFIERS} verifiers on ${follow === write ? 'the same instance' : 'instance B, admin writes to instance A'}, ${CHANGES} changes per run`,
    ],
    async measure() {
      const latencies: number[] = [];
      for (let i = 0; i < CHANGES; i++) {
        const seen = Math.min(...arrivals.map((a) => a.length));
        const method = granted ? 'DELETE' : 'PUT';
        granted = !granted;
        await admin(method, `/users/${user.id}/roles/writer`);
        const responded = performance.now();
        await allReached(seen + 1);
        const last = Math.max(...arrivals.map((a) => a[seen] ?? 0));
        // An event can beat the HTTP response to the client: that change took no time after it.
        latencies.push(Math.max(0, last - responded));
      }
      // Every verifier enforces the last state on the token it holds.
      for (const verifier of verifiers) {
        const { permissions } = await verifier.verify(token);
        if (permissions.includes('docs:write') !== granted)
          throw new Error('a verifier does not enforce the last change');
      }
      latencies.sort((a, b) => a - b);
      return {
        p50Ms: percentileOfSorted(latencies, 50),
        p99Ms: percentileOfSorted(latencies, 99),
        maxMs: latencies[latencies.length - 1] ?? 0,
      };
    },
    async stop() {
      for (const verifier of verifiers) verifier.close();
      await stopAll();
    },
  };
}

/** The anchor: one plain HTTP round trip (GET /healthz) to the same kind of server. */
const roundTrip: Subject = {
  name: 'HTTP round trip',
  role: 'anchor',
  async start() {
    const server = await startTessera();
    return {
      async measure() {
        const samples: number[] = [];
        for (let i = 0; i < CHANGES; i++) {
          const start = performance.now();
          await (await fetch(`${server.url}/healthz`)).text();
          samples.push(performance.now() - start);
        }
        samples.sort((a, b) => a - b);
        return {
          p50Ms: percentileOfSorted(samples, 50),
          p99Ms: percentileOfSorted(samples, 99),
          maxMs: samples[samples.length - 1] ?? 0,
        };
      },
      stop: () => server.stop(),
    };
  },
};

const sqlite: Subject = {
  name: 'sqlite, 1 instance',
  role: 'subject',
  async start() {
    const server = await startTessera();
    try {
      return await propagationSession(server, server, () => server.stop());
    } catch (err) {
      await server.stop();
      throw err;
    }
  },
};

const postgres: Subject = {
  name: 'postgres, 2 instances',
  role: 'subject',
  async start() {
    const schema = `bench_${process.pid}_${randomBytes(4).toString('hex')}`;
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.end();
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const env = {
      TESSERA_DATABASE_URL: url.toString(),
      TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
    };
    const dropSchema = async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    };
    const a = await startTessera({ env });
    let b: Tessera | undefined;
    const stopAll = async () => {
      await b?.stop();
      await a.stop();
      await dropSchema();
    };
    try {
      b = await startTessera({ env, bootstrap: false });
      return await propagationSession(a, b, stopAll);
    } catch (err) {
      await stopAll();
      throw err;
    }
  },
};

export const propagation: Scenario = {
  name: 'propagation',
  description:
    'time from an admin role change (API response) until all 20 live verifiers enforce it on a token they already hold; 200 changes per run; SQLite, and two instances on PostgreSQL.',
  metrics: [
    { key: 'p50Ms', label: 'p50 (ms)', unit: 'ms', better: 'lower' },
    { key: 'p99Ms', label: 'p99 (ms)', unit: 'ms', better: 'lower' },
    { key: 'maxMs', label: 'max (ms)', unit: 'ms', better: 'lower' },
  ],
  headline: 'p99Ms',
  subjects: [roundTrip, sqlite, postgres],
  comparisons: [
    { subject: 'sqlite, 1 instance', anchor: 'HTTP round trip' },
    { subject: 'postgres, 2 instances', anchor: 'HTTP round trip' },
  ],
};
