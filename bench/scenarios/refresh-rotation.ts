// refresh_token rotations per second over HTTP: every request presents the refresh token the
// previous response returned (a public client, token_endpoint_auth_method none) and gets a new
// access token (ES256 JWT for https://api.example), an ID token (ES256; scope openid) and the
// rotated refresh token. Tessera against oidc-provider 9 doing the same, in the same run.
//
// Settings, like for like: public client with PKCE required (not exercised here; see
// code-redemption), rotation on every use, scope `openid offline_access`, one resource. Tessera
// persists every rotation in SQLite (WAL, synchronous=NORMAL) in one transaction and reads the
// user's current roles for each access token; oidc-provider keeps everything in its in-memory
// adapter.

import { startUserGrantsAnchor, type UserGrantsAnchor } from '../anchors/oidc-provider-user-grants.ts';
import type { RunOptions, Scenario, Session, Subject } from '../lib/scenario.ts';
import { startTessera } from '../lib/tessera.ts';
import { assertChainOk, CHAIN_CONNECTIONS, chainMetrics, runChainLoad, sampleOf } from './refresh-load.ts';
import { seedTessera } from './refresh-seed.ts';

interface Target {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly pid: number | undefined;
  refreshTokens(n: number): Promise<string[]>;
  stop(): Promise<void>;
}

async function session(name: string, target: Target, options: RunOptions): Promise<Session> {
  const connections = options.connections ?? CHAIN_CONNECTIONS;
  const body = `grant_type=refresh_token&client_id=${encodeURIComponent(target.clientId)}&refresh_token={value}`;
  try {
    // One request by hand: the response must carry all three tokens.
    const [first] = await target.refreshTokens(1);
    const res = await fetch(target.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.replace('{value}', encodeURIComponent(first ?? '')),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200 || !json.access_token || !json.refresh_token || !json.id_token) {
      throw new Error(`${name}: refresh answered ${res.status} ${JSON.stringify(json)}`);
    }
    const fields = Object.keys(json).sort().join(' ');
    return {
      notes: [
        `response: ${fields}`,
        `load: ${connections} connections, each following its own rotation chain`,
      ],
      async measure(seconds) {
        const values = await target.refreshTokens(connections);
        const result = await runChainLoad({
          mode: 'refresh',
          url: target.tokenUrl,
          body,
          values,
          connections,
          durationSec: seconds,
          serverPid: target.pid,
        });
        assertChainOk(result, name);
        return sampleOf(result);
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
    const anchor: UserGrantsAnchor = await startUserGrantsAnchor();
    return session('oidc-provider', { ...anchor, refreshTokens: (n) => anchor.seed('refresh', n) }, options);
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
        refreshTokens: (n) => seed.refreshTokens(n),
        async stop() {
          await seed.close();
          await server.stop();
        },
      },
      options,
    );
  },
});

export const refreshRotation: Scenario = {
  name: 'refresh-rotation',
  description:
    'refresh_token rotations per second over HTTP (public client, rotation on every use, access + ID + new refresh token); ' +
    'anchor: oidc-provider 9 with the same settings and its in-memory adapter.',
  metrics: chainMetrics('rotations'),
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
