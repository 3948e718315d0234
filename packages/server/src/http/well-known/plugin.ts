import type { FastifyInstance } from 'fastify';
import type { JwkSet } from '../../core/keys/jwks.js';
import type { KeyRing } from '../../core/keys/keyring.js';
import { authorizationServerMetadata, JWKS_PATH, openIdConfiguration } from './metadata.js';

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
/** Metadata changes only with configuration. */
const METADATA_CACHE = 'public, max-age=3600';

/** `/.well-known/jwks.json`, `/.well-known/oauth-authorization-server` (RFC 8414), `/.well-known/openid-configuration`. */
export async function wellKnownRoutes(app: FastifyInstance, options: WellKnownOptions) {
  const { keyRing } = options;
  if (!URL.canParse(options.issuer))
    throw new TypeError(`issuer ${JSON.stringify(options.issuer)} is not an absolute URL`);
  const issuer = options.issuer.replace(/\/+$/, '');
  const oauthMetadata = JSON.stringify(authorizationServerMetadata(issuer));
  const openIdMetadata = JSON.stringify(openIdConfiguration(issuer));

  // The key ring returns the same frozen set until it changes; serialize each set once.
  let lastSet: JwkSet | undefined;
  let lastJson = '';
  app.get(JWKS_PATH, async (_request, reply) => {
    const set = await keyRing.jwks();
    if (set !== lastSet) {
      lastJson = JSON.stringify(set);
      lastSet = set;
    }
    return reply.type('application/jwk-set+json').header('Cache-Control', JWKS_CACHE).send(lastJson);
  });

  app.get('/.well-known/oauth-authorization-server', async (_request, reply) =>
    reply.type('application/json').header('Cache-Control', METADATA_CACHE).send(oauthMetadata),
  );
  app.get('/.well-known/openid-configuration', async (_request, reply) =>
    reply.type('application/json').header('Cache-Control', METADATA_CACHE).send(openIdMetadata),
  );
}
