// What a login leaves behind in Tessera's store, minted directly for the token-lifecycle
// benchmarks so they measure the token endpoint only: a user with roles, a public first-party
// client (PKCE, refresh_token), refresh-token families (issueRefreshToken, as the code and
// device grants start them) and authorization codes (the rows /oauth2/authorize writes). Uses
// the compiled server's own core and store on the running server's SQLite file (WAL: a second
// connection is safe); the server learns of the new client and user as it does of any change.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../packages/server/dist/', import.meta.url));
export const API = 'https://api.example';
export const REDIRECT_URI = 'https://app.example/cb';
export const SCOPE = 'openid offline_access';
const load = (path: string) => import(join(DIST, path));

interface Tx {
  insertAuthorizationCode(code: Record<string, unknown>): Promise<void>;
}
interface Store extends Tx {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface TesseraSeed {
  readonly clientId: string;
  refreshTokens(n: number): Promise<string[]>;
  /** Codes for the S256 challenge of `verifier`, valid for a minute (Tessera's code lifetime). */
  codes(n: number, verifier: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function seedTessera(dataDir: string): Promise<TesseraSeed> {
  if (!existsSync(join(DIST, 'core/oauth/refresh/tokens.js'))) {
    throw new Error('tessera: server not built (packages/server/dist); run `npm run build` first');
  }
  const [{ openStore }, events, refresh, ids, apps, roles, users, grants, clients, ports] = await Promise.all(
    [
      load('store/open.js'),
      load('core/events.js'),
      load('core/oauth/refresh/tokens.js'),
      load('core/ids.js'),
      load('core/applications/service.js'),
      load('core/roles/service.js'),
      load('core/users/service.js'),
      load('core/roles/grants.js'),
      load('core/clients/service.js'),
      load('core/ports.js'),
    ],
  );
  const store = (await openStore({ sqlitePath: join(dataDir, 'tessera.db') })) as Store;
  const ctx = { store, clock: ports.systemClock, bus: new events.EventBus() };
  const actor = { type: 'system', id: 'bench' };
  await apps.createApplication(ctx, actor, { name: 'api', audience: API, namespace: 'api' });
  await roles.createRole(ctx, actor, { name: 'reader', permissions: ['api:read', 'api:list'] });
  await roles.createRole(ctx, actor, { name: 'writer', permissions: ['api:write'] });
  const user = await users.createUser(ctx, actor, { userName: 'bench-user' });
  for (const role of ['reader', 'writer']) {
    await grants.changeGrant(ctx, actor, 'grant', { type: 'user', id: user.id }, role);
  }
  const { client } = await clients.createClient(ctx, actor, {
    name: 'bench spa',
    type: 'public',
    tokenEndpointAuthMethod: 'none',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [REDIRECT_URI],
    defaultAudience: API,
    firstParty: true,
  });
  return {
    clientId: client.clientId,
    async refreshTokens(n) {
      const now = new Date();
      return store.transaction(async (tx) => {
        const out: string[] = [];
        for (let i = 0; i < n; i++) {
          const issued = await refresh.issueRefreshToken(tx, {
            userId: user.id,
            clientId: client.clientId,
            audience: API,
            scope: SCOPE,
            sessionId: null,
            authTime: now,
            now,
          });
          out.push(issued.token);
        }
        return out;
      });
    },
    async codes(n, verifier) {
      const now = new Date();
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const codes = Array.from({ length: n }, () => randomBytes(32).toString('base64url'));
      await store.transaction(async (tx) => {
        for (const code of codes) {
          await tx.insertAuthorizationCode({
            codeHash: ids.hashSecret(code),
            clientId: client.clientId,
            redirectUri: REDIRECT_URI,
            codeChallenge: challenge,
            userId: user.id,
            sessionId: null,
            authTime: now,
            nonce: null,
            scope: SCOPE,
            audience: API,
            createdAt: now,
            expiresAt: new Date(now.getTime() + 60_000),
            usedAt: null,
            accessTokenJti: null,
            accessTokenExpiresAt: null,
            refreshFamilyId: null,
          });
        }
      });
      return codes;
    },
    close: () => store.close(),
  };
}
