import type { FastifyInstance } from 'fastify';
import type { JwkSet } from '../../core/keys/jwks.js';
import type { KeyRing } from '../../core/keys/keyring.js';
import {
  AUTHORIZE_PATH,
  DEVICE_AUTHORIZATION_PATH,
  END_SESSION_PATH,
  INTROSPECTION_PATH,
  REVOCATION_PATH,
  USERINFO_PATH,
} from '../paths.js';
import { JWKS_PATH, type MetadataEndpoints, serverMetadata } from './metadata.js';

export interface WellKnownOptions {
  keyRing: Pick<KeyRing, 'jwks'>;
  /** The issuer URL, without a trailing slash. */
  issuer: string;
}

/**
 * Verifiers may cache the JWKS for 5 minutes. Rotation needs no short cache: a new key is
 * published `publishAheadMs` (24 h by default) before it signs, far longer than 5 minutes, and
 * retired keys stay published until their tokens expire. What the max-age bounds is how long a
 * *revoked* key keeps verifying at a verifier that honours the cache (and how stale an
 * immediate forced rotation looks, though verifiers refetch on an unknown kid anyway), against
 * the load of refetches. 5 minutes is the usual compromise; the live-update stream announces
 * key changes sooner.
 */
const JWKS_CACHE = 'public, max-age=300';
/** Metadata changes only with configuration (and the signing algorithm with a key change). */
const METADATA_CACHE = 'public, max-age=3600';

/** `/.well-known/jwks.json`, `/.well-known/oauth-authorization-server` (RFC 8414), `/.well-known/openid-configuration`. */
export async function wellKnownRoutes(app: FastifyInstance, options: WellKnownOptions) {
  const { keyRing } = options;
  if (!URL.canParse(options.issuer))
    throw new TypeError(`issuer ${JSON.stringify(options.issuer)} is not an absolute URL`);
  const issuer = options.issuer.replace(/\/+$/, '');

  // The key ring returns the same frozen set until it changes; serialize each set once.
  let lastSet: JwkSet | undefined;
  let lastJson = '';
  app.get(JWKS_PATH, async (_request, reply) => {
    const set = await keyRing.jwks();
    if (set !== lastSet) {
      lastJson = JSON.stringify(set);
      lastSet = set;
    }
    return reply
      .type('application/jwk-set+json')
      .header('Cache-Control', JWKS_CACHE)
      .header('Access-Control-Allow-Origin', '*')
      .send(lastJson);
  });

  // Endpoints are listed only when their routes exist; every route is registered by the time
  // the server answers, so the document is built on the first request (and again when the
  // published keys, hence the ID token algorithms, change).
  let metadataFor: JwkSet | undefined;
  let metadataJson = '';
  const metadata = async (): Promise<string> => {
    const set = await keyRing.jwks();
    if (set !== metadataFor) {
      const has = (method: 'GET' | 'POST', url: string) => app.hasRoute({ method, url });
      const endpoints: MetadataEndpoints = {
        authorization: has('GET', AUTHORIZE_PATH),
        userinfo: has('GET', USERINFO_PATH),
        endSession: has('GET', END_SESSION_PATH),
        revocation: has('POST', REVOCATION_PATH),
        introspection: has('POST', INTROSPECTION_PATH),
        deviceAuthorization: has('POST', DEVICE_AUTHORIZATION_PATH),
      };
      const algorithms = [...new Set(set.keys.map((key) => String(key.alg)))].sort();
      metadataJson = JSON.stringify(serverMetadata(issuer, endpoints, algorithms));
      metadataFor = set;
    }
    return metadataJson;
  };

  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    app.get(path, async (_request, reply) =>
      reply
        .type('application/json')
        .header('Cache-Control', METADATA_CACHE)
        .send(await metadata()),
    );
  }
}
