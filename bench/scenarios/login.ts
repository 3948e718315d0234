// How many password logins per second Tessera completes over HTTP (POST /login → 303 with a new
// session), against the ceiling of raw scrypt verifications per second with the same parameters
// on the same machine in the same run. Password verification dominates a login by design: the
// ratio says how much the rest (CSRF check, lockout read, session and audit writes, HTTP) adds.
//
// The anchor runs scrypt from node:crypto with the parameters the compiled server uses
// (packages/server/dist/core/accounts/passwords.js CURRENT_PARAMS), IN_FLIGHT at once on libuv's
// thread pool, as a server does. The login load is a fetch loop in this process (a login takes
// tens of milliseconds, so the client is never the limit), one cookie jar per connection.

import { scrypt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, machineBusySeconds } from '../lib/cpu.ts';
import { clientCredentialsRequest, fetchAccessToken } from '../lib/http.ts';
import type { RunOptions, Scenario, Session, Subject } from '../lib/scenario.ts';
import { startTessera } from '../lib/tessera.ts';

const PASSWORDS = fileURLToPath(
  new URL('../../packages/server/dist/core/accounts/passwords.js', import.meta.url),
);
/** Logins (or verifications) in flight: enough to keep both cores busy. */
const DEFAULT_CONNECTIONS = 8;
const PASSWORD = 'correct horse battery staple';

interface ScryptParams {
  ln: number;
  r: number;
  p: number;
}

async function currentParams(): Promise<ScryptParams> {
  if (!existsSync(PASSWORDS))
    throw new Error(`server not built (${PASSWORDS} is missing); run npm run build first`);
  return ((await import(PASSWORDS)) as { CURRENT_PARAMS: ScryptParams }).CURRENT_PARAMS;
}

const describeParams = (p: ScryptParams) =>
  `scrypt N=2^${p.ln} r=${p.r} p=${p.p} (${(128 * 2 ** p.ln * p.r) / 2 ** 20} MiB per verification)`;

function verifyOnce(params: ScryptParams, salt: Buffer): Promise<void> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) =>
    scrypt(
      PASSWORD,
      salt,
      32,
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r * params.p },
      (err) => (err ? reject(err) : resolve()),
    ),
  );
}

/** Runs `lanes` loops of `once` for `seconds`; completions per second and CPU shares. */
async function drive(
  once: (lane: number) => Promise<void>,
  lanes: number,
  seconds: number,
  serverPid: number | undefined,
): Promise<Record<string, number>> {
  const machineBefore = machineBusySeconds();
  const ownBefore = process.cpuUsage();
  const serverBefore = cpuSeconds(serverPid);
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const latencies: number[] = [];
  let done = 0;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await once(lane);
        latencies.push(performance.now() - t0);
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const own = process.cpuUsage(ownBefore);
  const ownSec = (own.user + own.system) / 1e6;
  const machineAfter = machineBusySeconds();
  const serverAfter = cpuSeconds(serverPid);
  latencies.sort((a, b) => a - b);
  const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))] ?? 0;
  const sample: Record<string, number> = {
    perSec: done / elapsed,
    latencyP50Ms: q(0.5),
    latencyP99Ms: q(0.99),
  };
  let serverSec = 0;
  if (serverBefore !== undefined && serverAfter !== undefined) {
    serverSec = serverAfter - serverBefore;
    sample.serverCpuPercent = (serverSec / elapsed) * 100;
    sample.perCpuSec = done / serverSec;
  } else {
    sample.perCpuSec = done / ownSec;
  }
  if (machineBefore !== undefined && machineAfter !== undefined) {
    sample.otherCpuPercent = (Math.max(0, machineAfter - machineBefore - ownSec - serverSec) / elapsed) * 100;
  }
  return sample;
}

const rawScrypt: Subject = {
  name: 'raw node:crypto scrypt',
  role: 'anchor',
  async start(options: RunOptions): Promise<Session> {
    const params = await currentParams();
    const salt = Buffer.alloc(16, 7);
    const lanes = options.connections ?? DEFAULT_CONNECTIONS;
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await verifyOnce(params, salt);
    const oneMs = (performance.now() - t0) / 5;
    return {
      facts: { verifyMs: oneMs },
      notes: [
        `${describeParams(params)}; one verification alone ${oneMs.toFixed(1)} ms; ${lanes} in flight on the thread pool`,
      ],
      measure: (seconds) => drive(() => verifyOnce(params, salt), lanes, seconds, undefined),
      async stop() {},
    };
  },
};

interface Browser {
  cookie: string;
  csrf: string;
}

async function formOf(url: string, cookie = ''): Promise<Browser> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {} });
  const body = await res.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(body)?.[1];
  const set = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (!csrf) throw new Error(`no CSRF token on ${url} (${res.status})`);
  return { cookie: [cookie, ...set].filter(Boolean).join('; '), csrf };
}

/** Creates `bench` through the admin API, invites it and activates it over the pages. */
async function provision(url: string, clientId: string, clientSecret: string): Promise<void> {
  const token = await fetchAccessToken(
    clientCredentialsRequest(`${url}/oauth2/token`, clientId, clientSecret),
  );
  const admin = async (path: string, body?: unknown) => {
    const res = await fetch(`${url}/admin/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, string>;
  };
  const user = await admin('/users', { userName: 'bench' });
  const invite = await admin(`/users/${user.id}/invitations`);
  const code = new URL(invite.link as string).searchParams.get('code') as string;
  const browser = await formOf(`${url}/activate?code=${code}`);
  const res = await fetch(`${url}/activate`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: browser.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: browser.csrf, code, password: PASSWORD, confirm: PASSWORD }).toString(),
  });
  if (res.status !== 303) throw new Error(`activation: ${res.status} ${await res.text()}`);
}

const tesseraSubject = (name: string, env: Record<string, string>): Subject => ({
  name,
  role: 'subject',
  async start(options: RunOptions): Promise<Session> {
    const params = await currentParams();
    // The per-IP limit on password posts would turn a saturating load from one address into 429s.
    const server = await startTessera({ env: { TESSERA_LOGIN_RATE_LIMIT: '1000000000', ...env } });
    try {
      await provision(server.url, server.clientId, server.clientSecret);
      const lanes = options.connections ?? DEFAULT_CONNECTIONS;
      const browsers = await Promise.all(Array.from({ length: lanes }, () => formOf(`${server.url}/login`)));
      const body = (b: Browser) =>
        new URLSearchParams({
          csrf: b.csrf,
          username: 'bench',
          password: PASSWORD,
          return_to: '/',
        }).toString();
      const login = async (lane: number) => {
        const b = browsers[lane] as Browser;
        const res = await fetch(`${server.url}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: b.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: body(b),
        });
        await res.arrayBuffer();
        if (res.status !== 303 || res.headers.get('location') !== '/') {
          throw new Error(`${name}: login answered ${res.status} — measurement rejected`);
        }
      };
      await login(0);
      return {
        notes: [
          `${describeParams(params)}; each login: CSRF check, lockout read, scrypt, session + audit row written; ${lanes} connections`,
        ],
        measure: (seconds) => drive(login, lanes, seconds, server.service.child.pid),
        stop: () => server.stop(),
      };
    } catch (error) {
      await server.stop();
      throw error;
    }
  },
});

export const login: Scenario = {
  name: 'login',
  description:
    'password logins per second over HTTP (POST /login → 303 + session), against raw node:crypto scrypt verifications per second with the same parameters.',
  metrics: [
    { key: 'perSec', label: 'logins (verifications)/s', unit: 'ops/s', better: 'higher' },
    { key: 'perCpuSec', label: 'per CPU-second', unit: 'ops/s', better: 'higher' },
    { key: 'latencyP50Ms', label: 'latency p50 (ms)', unit: 'ms', better: 'lower' },
    { key: 'latencyP99Ms', label: 'latency p99 (ms)', unit: 'ms', better: 'lower' },
    { key: 'verifyMs', label: 'one verification alone (ms)', unit: 'ms', better: 'lower' },
    { key: 'serverCpuPercent', label: 'server CPU (% of a core)', unit: '%', better: 'lower' },
    { key: 'otherCpuPercent', label: 'other CPU (% of a core)', unit: '%', better: 'lower', noisyAbove: 20 },
  ],
  headline: 'perSec',
  compared: ['perCpuSec'],
  subjects: [
    rawScrypt,
    tesseraSubject('tessera', {}),
    tesseraSubject('tessera (1 process)', { TESSERA_WORKERS: '1' }),
  ],
  comparisons: [
    { subject: 'tessera', anchor: 'raw node:crypto scrypt' },
    { subject: 'tessera (1 process)', anchor: 'raw node:crypto scrypt' },
  ],
};
