// Child-process entry of the oidc-provider anchor for the user-facing grants (refresh_token
// rotation and authorization_code redemption): oidc-provider 9, an in-memory adapter, one
// public client (token_endpoint_auth_method none, PKCE), refresh tokens rotated on every use,
// ES256 JWT access tokens for https://api.example (RFC 9068, resource indicators) and ES256 ID
// tokens. A second listener on BENCH_SEED_PORT mints what a login would have left behind
// (grants with refresh tokens, authorization codes), through oidc-provider's own models, so the
// measurement covers the token endpoint only. Prints "ready" when both listen.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.BENCH_PORT);
const seedPort = Number(process.env.BENCH_SEED_PORT);
if (!Number.isInteger(port) || !Number.isInteger(seedPort)) {
  throw new TypeError('BENCH_PORT and BENCH_SEED_PORT are required');
}

const CLIENT_ID = 'bench-spa';
const REDIRECT_URI = 'https://app.example/cb';
const AUDIENCE = 'https://api.example';
const ACCOUNT = 'bench-user';
const SCOPE = 'openid offline_access';
const issuer = `http://127.0.0.1:${port}`;
const jwk = {
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
  kid: 'bench-es256',
  alg: 'ES256',
  use: 'sig',
};

/**
 * An unbounded in-memory adapter: oidc-provider's default one is an LRU of 1,000 entries, which
 * evicts the grants behind a pool of pre-minted codes before they are redeemed. Same work per
 * operation (a Map), no eviction; expiry is checked by oidc-provider on the payload itself.
 */
const tables = new Map<string, Map<string, Record<string, unknown>>>();
const grantIndex = new Map<string, Set<string>>();
class MapAdapter {
  readonly #name: string;
  readonly #rows: Map<string, Record<string, unknown>>;
  constructor(name: string) {
    this.#name = name;
    let rows = tables.get(name);
    if (!rows) {
      rows = new Map();
      tables.set(name, rows);
    }
    this.#rows = rows;
  }
  async upsert(id: string, payload: Record<string, unknown>) {
    this.#rows.set(id, payload);
    if (typeof payload.grantId === 'string') {
      const ids = grantIndex.get(payload.grantId) ?? new Set<string>();
      ids.add(`${this.#name}:${id}`);
      grantIndex.set(payload.grantId, ids);
    }
  }
  async find(id: string) {
    return this.#rows.get(id);
  }
  async findByUid(uid: string) {
    for (const row of this.#rows.values()) if (row.uid === uid) return row;
    return undefined;
  }
  async findByUserCode(userCode: string) {
    for (const row of this.#rows.values()) if (row.userCode === userCode) return row;
    return undefined;
  }
  async consume(id: string) {
    const row = this.#rows.get(id);
    if (row) row.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    this.#rows.delete(id);
  }
  async revokeByGrantId(grantId: string) {
    for (const key of grantIndex.get(grantId) ?? []) {
      const at = key.indexOf(':');
      tables.get(key.slice(0, at))?.delete(key.slice(at + 1));
    }
    grantIndex.delete(grantId);
  }
}

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  clients: [
    {
      client_id: CLIENT_ID,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
  // Rotate on every use, like Tessera (oidc-provider's default rotates only in some cases).
  rotateRefreshToken: true,
  pkce: { required: () => true },
  ttl: { AuthorizationCode: 600, RefreshToken: 14 * 86_400 },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => AUDIENCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api:read',
        audience: AUDIENCE,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

/** The models this anchor mints with (types/oidc-provider.d.ts declares only what the others use). */
interface Model {
  save(): Promise<string>;
}
interface Models {
  Grant: new (
    init: Record<string, unknown>,
  ) => Model & {
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
  };
  RefreshToken: new (init: Record<string, unknown>) => Model;
  AuthorizationCode: new (init: Record<string, unknown>) => Model;
  Client: { find(id: string): Promise<unknown> };
}
const models = provider as unknown as Models;

/** base64url(SHA-256(verifier)): the S256 challenge of the one verifier every code is made for. */
const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

async function newGrant(): Promise<string> {
  const grant = new models.Grant({ accountId: ACCOUNT, clientId: CLIENT_ID });
  grant.addOIDCScope(SCOPE);
  grant.addResourceScope(AUDIENCE, 'api:read');
  return grant.save();
}

async function seed(kind: string, n: number, verifier: string): Promise<string[]> {
  const client = await models.Client.find(CLIENT_ID);
  const authTime = Math.floor(Date.now() / 1000);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const grantId = await newGrant();
    const common = { accountId: ACCOUNT, client, grantId, scope: SCOPE, authTime, resource: AUDIENCE };
    if (kind === 'refresh') {
      out.push(await new models.RefreshToken({ ...common, gty: 'authorization_code' }).save());
    } else {
      out.push(
        await new models.AuthorizationCode({
          ...common,
          redirectUri: REDIRECT_URI,
          codeChallenge: challengeOf(verifier),
          codeChallengeMethod: 'S256',
        }).save(),
      );
    }
  }
  return out;
}

let listening = 0;
const ready = () => {
  if (++listening === 2) console.log('ready');
};
createServer(provider.callback()).listen(port, '127.0.0.1', ready);
createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://seed');
  seed(
    url.searchParams.get('kind') ?? '',
    Number(url.searchParams.get('n')),
    url.searchParams.get('verifier') ?? '',
  )
    .then((tokens) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(tokens));
    })
    .catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
}).listen(seedPort, '127.0.0.1', ready);
