// What verifying a Tessera access token costs a protected service, in process, for ES256, EdDSA
// and RS256: @tessera/verify (packages/verify/dist) against the ceiling — a minimal node:crypto
// verify that only splits, decodes, parses, checks the signature and exp — and against
// jose.jwtVerify, all on the same token in the same run.
//
// Subjects: cold (verified-token cache off, verifySync on the caller's thread: every rule of RFC
// 8725 / RFC 9068 on every call), async on libuv's thread pool with 64 verifications in flight
// (what a busy server does), and hot (the same token again, cache on: what most requests of a
// client with a live token cost).

import { generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jwtVerify } from 'jose';
import { startLiveStub } from '../lib/live-stub.ts';
import type { Comparison, Scenario, Session, Subject } from '../lib/scenario.ts';

const VERIFY = fileURLToPath(new URL('../../packages/verify/dist/index.js', import.meta.url));
const IN_FLIGHT = 64;
const ISSUER = 'http://127.0.0.1:8080';
const AUDIENCE = 'https://api.example';
type Alg = 'ES256' | 'EdDSA' | 'RS256';

interface VerifyModule {
  createVerifier(options: Record<string, unknown>): {
    verify(token: string): Promise<unknown>;
    verifySync(token: string): unknown;
    close(): void;
  };
  createLiveOverlay(options: Record<string, unknown>): { ready(): Promise<void> };
}

interface Fixture {
  readonly token: string;
  readonly jwk: Record<string, unknown>;
  readonly publicKey: KeyObject;
}

const fixtures = new Map<Alg, Promise<Fixture>>();

/** One key and one token per algorithm, shared by every subject of the scenario. */
function fixture(alg: Alg): Promise<Fixture> {
  let f = fixtures.get(alg);
  if (!f) {
    f = (async () => {
      const { privateKey, publicKey } =
        alg === 'ES256'
          ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
          : alg === 'EdDSA'
            ? generateKeyPairSync('ed25519')
            : generateKeyPairSync('rsa', { modulusLength: 2048 });
      const iat = Math.floor(Date.now() / 1000);
      const claims = {
        iss: ISSUER,
        sub: 'tsr_benchclient00000',
        aud: AUDIENCE,
        exp: iat + 24 * 3600,
        iat,
        jti: 'AAAAAAAAAAAAAAAA',
        client_id: 'tsr_benchclient00000',
        roles: ['reader', 'writer', 'auditor'],
        permissions: ['api:read', 'api:write', 'api:audit'],
      };
      const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const input = `${b64({ alg, typ: 'at+jwt', kid: 'benchkid' })}.${b64(claims)}`;
      const key = alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' as const } : privateKey;
      const signature = sign(alg === 'EdDSA' ? null : 'sha256', Buffer.from(input), key).toString(
        'base64url',
      );
      const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'benchkid', alg, use: 'sig' };
      return { token: `${input}.${signature}`, jwk, publicKey };
    })();
    fixtures.set(alg, f);
  }
  return f;
}

/** The single-core ceiling: exactly what any verifier must do, and nothing else. */
async function rawVerifier(alg: Alg, f: Fixture): Promise<() => void> {
  const digest = alg === 'EdDSA' ? null : 'sha256';
  const key = alg === 'ES256' ? { key: f.publicKey, dsaEncoding: 'ieee-p1363' as const } : f.publicKey;
  return () => {
    const token = f.token;
    const dot1 = token.indexOf('.');
    const dot2 = token.indexOf('.', dot1 + 1);
    JSON.parse(Buffer.from(token.slice(0, dot1), 'base64url').toString());
    const claims = JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), 'base64url').toString());
    const ok = verify(
      digest,
      Buffer.from(token.slice(0, dot2)),
      key,
      Buffer.from(token.slice(dot2 + 1), 'base64url'),
    );
    if (!ok || claims.exp <= Date.now() / 1000) throw new Error('raw verify failed');
  };
}

async function loadVerify(): Promise<VerifyModule> {
  if (!existsSync(VERIFY))
    throw new Error(`@tessera/verify not built (${VERIFY} is missing); run npm run build`);
  return (await import(VERIFY)) as VerifyModule;
}

const verifierOptions = (f: Fixture, extra: Record<string, unknown>) => ({
  issuer: ISSUER,
  audience: AUDIENCE,
  keys: { keys: [f.jwk] },
  clockTolerance: 5,
  ...extra,
});

/** Calls `run` back to back for `seconds`; verifications/s and CPU µs per verification. */
function loopSync(run: () => void, seconds: number) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let n = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 64; i++) run();
    n += 64;
  }
  const elapsed = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  return { perSec: n / elapsed, cpuMicros: (user + system) / n };
}

/** Keeps `lanes` verifications outstanding for `seconds`. */
async function loopAsync(run: () => Promise<unknown>, seconds: number, lanes: number) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let n = 0;
  const lane = async () => {
    while (performance.now() < deadline) {
      for (let i = 0; i < 16; i++) await run();
      n += 16;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const elapsed = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  return { perSec: n / elapsed, cpuMicros: (user + system) / n };
}

const subject = (
  name: string,
  role: Subject['role'],
  alg: Alg,
  note: string,
  make: (f: Fixture) => Promise<(seconds: number) => Promise<{ perSec: number; cpuMicros: number }>>,
): Subject => ({
  name,
  role,
  async start(): Promise<Session> {
    const f = await fixture(alg);
    const measure = await make(f);
    return {
      facts: { tokenBytes: f.token.length },
      notes: [`${f.token.length}-byte ${alg} token; ${note}`],
      async measure(seconds) {
        const { perSec, cpuMicros } = await measure(seconds);
        return { verificationsPerSec: perSec, cpuMicrosPerVerification: cpuMicros };
      },
      async stop() {},
    };
  },
});

function scenarioFor(alg: Alg, poolTarget: number | undefined): Scenario {
  const names = {
    raw: `raw node:crypto ${alg}`,
    jose: `jose jwtVerify ${alg}`,
    cold: `tessera cold ${alg}`,
    pool: `tessera thread pool ${alg}`,
    hot: `tessera cached ${alg}`,
    hotAsync: `tessera cached verify() ${alg}`,
    hotLive: `tessera cached + live ${alg}`,
  };
  const comparisons: Comparison[] = [
    { subject: names.cold, anchor: names.raw, target: 0.9 },
    { subject: names.pool, anchor: names.raw, ...(poolTarget === undefined ? {} : { target: poolTarget }) },
    { subject: names.cold, anchor: names.jose },
    { subject: names.jose, anchor: names.raw },
    { subject: names.hot, anchor: names.raw },
    { subject: names.hotAsync, anchor: names.raw },
    { subject: names.hotLive, anchor: names.raw },
  ];
  return {
    name: `verification-${alg.toLowerCase()}`,
    description: `${alg} access-token verification in process, same token: @tessera/verify cold (cache off), on the thread pool (${IN_FLIGHT} in flight) and cached, against a raw node:crypto verify and jose.jwtVerify. Targets: cold ≥ 0.9× raw${poolTarget ? `, thread pool ≥ ${poolTarget}× raw` : ''}; cached ≥ 1,000,000/s.`,
    metrics: [
      { key: 'verificationsPerSec', label: 'verifications/s', unit: 'ops/s', better: 'higher' },
      {
        key: 'cpuMicrosPerVerification',
        label: 'CPU µs per verification (all threads)',
        unit: 'ms',
        better: 'lower',
      },
      { key: 'tokenBytes', label: 'token size (bytes)', unit: 'bytes', better: 'lower' },
    ],
    headline: 'verificationsPerSec',
    compared: ['cpuMicrosPerVerification'],
    subjects: [
      subject(
        names.raw,
        'anchor',
        alg,
        'split, base64url-decode, JSON.parse, crypto.verify, exp',
        async (f) => {
          const run = await rawVerifier(alg, f);
          return async (s) => loopSync(run, s);
        },
      ),
      subject(
        names.jose,
        'anchor',
        alg,
        'jose.jwtVerify with issuer, audience, typ and algorithms',
        async (f) => {
          const options = { issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt', algorithms: [alg] };
          return async (s) => loopAsync(() => jwtVerify(f.token, f.publicKey, options), s, 1);
        },
      ),
      subject(
        names.cold,
        'subject',
        alg,
        "verifySync, cache off: every rule on every call, caller's thread",
        async (f) => {
          const v = (await loadVerify()).createVerifier(verifierOptions(f, { cache: false }));
          return async (s) => loopSync(() => v.verifySync(f.token), s);
        },
      ),
      subject(
        names.pool,
        'subject',
        alg,
        `verify(), cache off, thread pool, ${IN_FLIGHT} in flight`,
        async (f) => {
          const v = (await loadVerify()).createVerifier(
            verifierOptions(f, { cache: false, signatureOn: 'pool' }),
          );
          return (s) => loopAsync(() => v.verify(f.token), s, IN_FLIGHT);
        },
      ),
      subject(
        names.hot,
        'subject',
        alg,
        'verifySync, cache on, the same token again (target ≥ 1,000,000/s)',
        async (f) => {
          const v = (await loadVerify()).createVerifier(verifierOptions(f, {}));
          v.verifySync(f.token);
          return async (s) => loopSync(() => v.verifySync(f.token), s);
        },
      ),
      subject(
        names.hotLive,
        'subject',
        alg,
        'verifySync, cache on, live overlay on (a local event stream): the hot path with live updates (target ≥ 1,000,000/s)',
        async (f) => {
          const sdk = await loadVerify();
          const stub = await startLiveStub({
            applications: [{ audience: AUDIENCE, namespace: 'api' }],
            roles: [{ id: 'r1', name: 'reader', version: 1, permissions: ['api:read'] }],
            groups: [],
          });
          const live = sdk.createLiveOverlay({ eventsUri: stub.url, token: 'bench' });
          await live.ready();
          const v = sdk.createVerifier(verifierOptions(f, { live: { overlay: live } }));
          v.verifySync(f.token);
          return async (s) => loopSync(() => v.verifySync(f.token), s);
        },
      ),
      subject(names.hotAsync, 'subject', alg, 'await verify(), cache on, the same token again', async (f) => {
        const v = (await loadVerify()).createVerifier(verifierOptions(f, {}));
        await v.verify(f.token);
        return (s) => loopAsync(() => v.verify(f.token), s, 1);
      }),
    ],
    comparisons,
  };
}

/** One scenario per algorithm, so each gets its own targets. */
export const verification: readonly Scenario[] = [
  scenarioFor('ES256', 1.3),
  scenarioFor('EdDSA', 1.3),
  scenarioFor('RS256', undefined),
];
