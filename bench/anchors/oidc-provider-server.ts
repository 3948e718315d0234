// Child-process entry of the oidc-provider anchor: oidc-provider 9 with its default in-memory
// adapter, one client_credentials client, and ES256-signed JWT access tokens (RFC 9068).
// Configured from the environment by ./oidc-provider.ts; prints "ready" when listening.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.BENCH_PORT);
const clientId = process.env.BENCH_CLIENT_ID;
const clientSecret = process.env.BENCH_CLIENT_SECRET;
if (!Number.isInteger(port) || !clientId || !clientSecret) {
  throw new TypeError('BENCH_PORT, BENCH_CLIENT_ID and BENCH_CLIENT_SECRET are required');
}

const AUDIENCE = 'https://api.example';
const issuer = `http://127.0.0.1:${port}`;
const jwk = {
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
  kid: 'bench-es256',
  alg: 'ES256',
  use: 'sig',
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [jwk] },
  // Only an ES256 key is published, so nothing may default to RS256.
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Without a resource, client_credentials tokens would be opaque; default every request to the API.
      defaultResource: () => AUDIENCE,
      getResourceServerInfo: () => ({
        scope: 'api:read',
        audience: AUDIENCE,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

createServer(provider.callback()).listen(port, '127.0.0.1', () => {
  console.log('ready');
});
