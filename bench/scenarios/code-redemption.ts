// Authorization-code redemptions per second over HTTP (RFC 6749 §4.1.3 with PKCE S256): each
// request redeems a fresh code (public client, token_endpoint_auth_method none, code_verifier)
// and gets an access token (ES256 JWT for https://api.example), an ID token and a refresh token
// (scope `openid offline_access`). Tessera against oidc-provider 9 doing the same, in the same run.
//
// The codes are what /authorize would have issued, minted before each measurement through each
// server's own store (Tessera: the authorization_codes rows its authorization endpoint writes;
// oidc-provider: its AuthorizationCode model) so only redemption is timed. Tessera's codes live
// 60 s, so each measurement gets a fresh pool; a pool that runs dry ends the run early and the
// rate counts the time actually loaded.

import { startUserGrantsAnchor } from '../anchors/oidc-provider-user-grants.ts';
import type { RunOptions, Scenario, Session, Subject } from '../lib/scenario.ts';
import { startTessera } from '../lib/tessera.ts';
import { assertChainOk, CHAIN_CONNECTIONS, chainMetrics, runChainLoad, sampleOf } from './refresh-load.ts';
import { REDIRECT_URI, seedTessera } from './refresh-seed.ts';

/**
 * Codes per second of measurement: above what either server redeems here (Tessera went past
 * 2,500/s, which ran its pool dry before the end of each run).
 */
const CODES_PER_SECOND = 10_000;
const VERIFIER = 'bench-verifier-0123456789-0123456789-0123456789';

interface Target {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly pid: number | undefined;
  codes(n: number): Promise<string[]>;
  stop(): Promise<void>;
}

async function session(name: string, target: Target, options: RunOptions): Promise<Session> {
  const connections = options.connections ?? CHAIN_CONNECTIONS;
  const body =
    `grant_type=authorization_code&client_id=${encodeURIComponent(target.clientId)}&code={value}` +
    `&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_verifier=${VERIFIER}`;
  try {
    const [first] = await target.codes(1);
    const res = await fetch(target.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.replace('{value}', encodeURIComponent(first ?? '')),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200 || !json.access_token || !json.refresh_token || !json.id_token) {
      throw new Error(`${name}: code redemption answered ${res.status} ${JSON.stringify(json)}`);
    }
    return {
      notes: [
        `response: ${Object.keys(json).sort().join(' ')}`,
        `load: ${connections} connections; ${CODES_PER_SECOND} fresh codes per second of measurement`,
      ],
      async measure(seconds) {
        const values = await target.codes(Math.ceil(seconds * CODES_PER_SECOND));
        const result = await runChainLoad({
          mode: 'code',
          url: target.tokenUrl,
          body,
          values,
          connections,
          durationSec: seconds,
          serverPid: target.pid,
        });
        assertChainOk(result, name);
        return { ...sampleOf(result), poolExhausted: result.poolExhausted ? 1 : 0 };
      },
      stop: () => target.stop(),
    };
  } catch (error) {
    await target.stop();
    throw error;
  }
}

const oidcProvider: Subject = {
  name: 'oidc-provider',
  role: 'anchor',
  async start(options) {
    const anchor = await startUserGrantsAnchor();
    return session('oidc-provider', { ...anchor, codes: (n) => anchor.seed('code', n, VERIFIER) }, options);
  },
};

const tesseraSubject = (name: string, env: Record<string, string>): Subject => ({
  name,
  role: 'subject',
  async start(options) {
    const server = await startTessera({ env: { TESSERA_TOKEN_RATE_LIMIT: '1000000000', ...env } });
    const seed = await seedTessera(server.dataDir).catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    return session(
      name,
      {
        tokenUrl: `${server.url}/oauth2/token`,
        clientId: seed.clientId,
        pid: server.service.child.pid,
        codes: (n) => seed.codes(n, VERIFIER),
        async stop() {
          await seed.close();
          await server.stop();
        },
      },
      options,
    );
  },
});

export const codeRedemption: Scenario = {
  name: 'code-redemption',
  description:
    'authorization_code redemptions per second over HTTP (public client, PKCE S256, access + ID + refresh token); ' +
    'anchor: oidc-provider 9 with the same settings and its in-memory adapter.',
  metrics: [
    ...chainMetrics('redemptions'),
    { key: 'poolExhausted', label: 'code pool ran dry (runs)', unit: 'ops/s', better: 'lower' },
  ],
  headline: 'perSec',
  compared: ['perCpuSec'],
  subjects: [
    oidcProvider,
    tesseraSubject('tessera', {}),
    tesseraSubject('tessera (1 process)', { TESSERA_WORKERS: '1' }),
  ],
  comparisons: [
    { subject: 'tessera', anchor: 'oidc-provider', target: 3 },
    { subject: 'tessera (1 process)', anchor: 'oidc-provider' },
  ],
};
