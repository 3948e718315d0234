// Why Tessera signs tokens on node:crypto rather than jose: the event-loop time and the total
// CPU time each costs per ES256 token, in process, with 64 tokens in flight (as under HTTP load).
// A single server process is limited by its event loop (the thread-pool mode frees it); a
// worker per core is limited by total CPU (the caller's-thread mode spends the least).
//
// Subjects use the compiled server (packages/server/dist): its signer in both modes, and jose's
// SignJWT on the same key and claims.

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import type { Scenario, Session, Subject } from '../lib/scenario.ts';

const SIGNER = fileURLToPath(new URL('../../packages/server/dist/core/keys/signer.js', import.meta.url));
const IN_FLIGHT = 64;

interface SignerModule {
  createSigner(
    kid: string,
    alg: 'ES256',
    key: KeyObject,
    signOn: 'pool' | 'caller',
  ): { sign(typ: string, claims: object): Promise<string> };
}

const claims = () => {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: 'http://127.0.0.1:8080',
    sub: 'tsr_benchclient00000',
    aud: 'https://api.example',
    exp: iat + 600,
    iat,
    jti: 'AAAAAAAAAAAAAAAA',
    client_id: 'tsr_benchclient00000',
    roles: ['reader', 'writer', 'auditor'],
    permissions: ['api:read', 'api:write', 'api:audit'],
  };
};

/** Keeps IN_FLIGHT signatures outstanding for `seconds`; tokens/s and event-loop µs per token. */
async function drive(sign: () => Promise<string>, seconds: number): Promise<Record<string, number>> {
  const { eventLoopUtilization } = performance;
  const elu = eventLoopUtilization();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let tokens = 0;
  const lane = async () => {
    while (performance.now() < deadline) {
      await sign();
      tokens++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const elapsed = (performance.now() - start) / 1000;
  const used = eventLoopUtilization(elu);
  const { user, system } = process.cpuUsage(cpu);
  return {
    tokensPerSec: tokens / elapsed,
    loopMicrosPerToken: (used.active * 1000) / tokens,
    // Every thread of the process (the thread pool too): what a core-saturated server pays.
    cpuMicrosPerToken: (user + system) / tokens,
  };
}

const subject = (
  name: string,
  role: Subject['role'],
  make: (key: KeyObject) => Promise<() => Promise<string>>,
): Subject => ({
  name,
  role,
  async start(): Promise<Session> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sign = await make(privateKey);
    const sample = await sign();
    return {
      facts: { tokenBytes: sample.length },
      notes: [`${sample.length}-byte ES256 token, ${IN_FLIGHT} signatures in flight`],
      measure: (seconds) => drive(sign, seconds),
      async stop() {},
    };
  },
});

const tesseraSigner = (signOn: 'pool' | 'caller') => async (key: KeyObject) => {
  if (!existsSync(SIGNER))
    throw new Error(`server not built (${SIGNER} is missing); run npm run build first`);
  const { createSigner } = (await import(SIGNER)) as SignerModule;
  const signer = createSigner('benchkid', 'ES256', key, signOn);
  return () => signer.sign('at+jwt', claims());
};

export const signing: Scenario = {
  name: 'signing',
  description:
    "ES256 access-token signing in process, 64 in flight: Tessera's node:crypto signer (thread pool, and on the caller's thread) against jose's SignJWT on the same key and claims.",
  metrics: [
    { key: 'tokensPerSec', label: 'tokens/s', unit: 'tokens/s', better: 'higher' },
    { key: 'loopMicrosPerToken', label: 'event-loop µs per token', unit: 'ms', better: 'lower' },
    { key: 'cpuMicrosPerToken', label: 'CPU µs per token (all threads)', unit: 'ms', better: 'lower' },
    { key: 'tokenBytes', label: 'token size (bytes)', unit: 'bytes', better: 'lower' },
  ],
  headline: 'tokensPerSec',
  compared: ['loopMicrosPerToken', 'cpuMicrosPerToken'],
  subjects: [
    subject(
      'jose SignJWT',
      'anchor',
      async (key) => () =>
        new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'benchkid' }).sign(key),
    ),
    subject('tessera signer (thread pool)', 'subject', tesseraSigner('pool')),
    subject("tessera signer (caller's thread)", 'subject', tesseraSigner('caller')),
  ],
  comparisons: [
    { subject: 'tessera signer (thread pool)', anchor: 'jose SignJWT' },
    { subject: "tessera signer (caller's thread)", anchor: 'jose SignJWT' },
  ],
};
