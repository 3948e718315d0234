import { decodeJwt } from 'jose';
import { TesseraError } from '../errors.js';
import { secretMatches } from '../ids.js';
import type { Client, ClientAuthMethod } from '../model.js';
import { single, type TokenParams } from './params.js';

/** The methods the endpoints implement (and discovery advertises). */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
];

export interface ClientCredentials {
  method: ClientAuthMethod;
  clientId: string;
  /** '' for `none` and `private_key_jwt`. */
  secret: string;
  /** private_key_jwt: the compact JWT of `client_assertion` (RFC 7523 §2.2), not yet verified. */
  assertion?: string;
}

/** RFC 7523 §2.2 `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const SECRET_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post'];

/** Longer ids and secrets than any Tessera issues are refused before any lookup. */
const MAX_LENGTH = 256;

/**
 * Reads the client's credentials from the request, without checking them (RFC 6749 §2.3.1):
 * HTTP Basic with the form-urlencoded client_id and secret, or client_id and client_secret in
 * the body. "The client MUST NOT use more than one authentication method in each request."
 */
export function readClientCredentials(
  params: TokenParams,
  authorization: string | undefined,
): ClientCredentials {
  const bodyId = single(params, 'client_id');
  const bodySecret = single(params, 'client_secret');
  const assertion = single(params, 'client_assertion');
  const assertionType = single(params, 'client_assertion_type');
  if (assertion !== undefined || assertionType !== undefined) {
    return readAssertion(bodyId, bodySecret, authorization, assertion, assertionType);
  }
  if (authorization !== undefined && authorization !== '') {
    if (bodySecret !== undefined) {
      throw new TesseraError(
        'ERR_INVALID_REQUEST',
        'the client used more than one authentication method (Authorization header and client_secret)',
      );
    }
    const basic = parseBasic(authorization);
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new TesseraError('ERR_INVALID_REQUEST', 'client_id does not match the Authorization header');
    }
    return basic;
  }
  if (bodyId !== undefined && bodySecret === undefined) {
    // RFC 6749 §2.3 / OAuth 2.1 §2.4: a public client identifies itself and proves nothing.
    if (bodyId === '' || bodyId.length > MAX_LENGTH) throw failed('client authentication failed', 'none');
    return { method: 'none', clientId: bodyId, secret: '' };
  }
  if (bodyId === undefined || bodySecret === undefined) {
    throw failed(
      'client authentication is required (client_secret_basic or client_secret_post)',
      'client_secret_post',
    );
  }
  return checked({ method: 'client_secret_post', clientId: bodyId, secret: bodySecret });
}

/**
 * RFC 7523 §2.2 / OIDC Core §9 private_key_jwt: the client is named by the assertion's `sub`
 * (checked again, with the signature, by verifyClientAssertion); a `client_id` parameter, when
 * sent, must name the same client. Only one method per request (RFC 6749 §2.3).
 */
function readAssertion(
  bodyId: string | undefined,
  bodySecret: string | undefined,
  authorization: string | undefined,
  assertion: string | undefined,
  assertionType: string | undefined,
): ClientCredentials {
  if (bodySecret !== undefined || (authorization !== undefined && authorization !== '')) {
    throw new TesseraError(
      'ERR_INVALID_REQUEST',
      'the client used more than one authentication method (client_assertion and a secret)',
    );
  }
  if (assertionType !== JWT_BEARER_ASSERTION) {
    throw failed(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`, 'private_key_jwt', bodyId);
  }
  if (assertion === undefined || assertion.length > MAX_ASSERTION_LENGTH) {
    throw failed('client_assertion is missing or too long', 'private_key_jwt', bodyId);
  }
  let sub: unknown;
  try {
    sub = decodeJwt(assertion).sub;
  } catch {
    throw failed('client_assertion is not a JWT', 'private_key_jwt', bodyId);
  }
  if (typeof sub !== 'string' || sub === '' || sub.length > MAX_LENGTH) {
    throw failed('the client assertion names no client (sub)', 'private_key_jwt', bodyId);
  }
  if (bodyId !== undefined && bodyId !== sub) {
    throw new TesseraError('ERR_INVALID_REQUEST', 'client_id does not match the client assertion');
  }
  return { method: 'private_key_jwt', clientId: sub, secret: '', assertion };
}

/** A signed assertion with a few claims and an RSA-4096 signature stays far below this. */
const MAX_ASSERTION_LENGTH = 8192;

function parseBasic(authorization: string): ClientCredentials {
  const space = authorization.indexOf(' ');
  if (space < 0 || authorization.slice(0, space).toLowerCase() !== 'basic') {
    throw failed('unsupported authentication scheme; use Basic', 'client_secret_basic');
  }
  const decoded = Buffer.from(authorization.slice(space + 1).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw failed('malformed Basic credentials', 'client_secret_basic');
  return checked({
    method: 'client_secret_basic',
    clientId: formDecode(decoded.slice(0, colon)),
    secret: formDecode(decoded.slice(colon + 1)),
  });
}

/** application/x-www-form-urlencoded decoding (RFC 6749 Appendix B): `+` is a space. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    throw failed('the Basic credentials are not form-urlencoded (RFC 6749 §2.3.1)', 'client_secret_basic');
  }
}

function checked(credentials: ClientCredentials): ClientCredentials {
  const { clientId, secret, method } = credentials;
  if (clientId === '' || secret === '' || clientId.length > MAX_LENGTH || secret.length > MAX_LENGTH) {
    throw failed('client authentication failed', method, clientId.length > MAX_LENGTH ? undefined : clientId);
  }
  return credentials;
}

/** A stored hash nothing matches, compared against when the client is unknown (equal timing). */
const NO_CLIENT_HASH = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * Checks presented credentials against the client record (constant-time on the hash).
 * Unknown client, wrong secret: the same answer. A disabled client learns it is disabled only
 * after proving its secret.
 */
export function authenticateClient(client: Client | undefined, credentials: ClientCredentials): Client {
  if (credentials.method === 'private_key_jwt') {
    throw new TypeError(
      'private_key_jwt credentials are checked by verifyClientAssertion (client-assertion.ts)',
    );
  }
  if (credentials.method === 'none') {
    // Only a client registered as public may skip authentication; a confidential client that
    // leaves out its credentials is refused like a wrong secret.
    if (client?.tokenEndpointAuthMethod !== 'none') {
      throw failed('client authentication failed', credentials.method, credentials.clientId);
    }
  } else {
    const hash = client?.secretHash || NO_CLIENT_HASH;
    const ok = secretMatches(credentials.secret, hash);
    const secretClient = client !== undefined && SECRET_METHODS.includes(client.tokenEndpointAuthMethod);
    if (!client || !ok || !secretClient) {
      throw failed('client authentication failed', credentials.method, credentials.clientId);
    }
  }
  if (!client.enabled) throw failed('the client is disabled', credentials.method, credentials.clientId);
  return client;
}

/**
 * RFC 6749 §5.2 invalid_client. `detail` carries the method tried and the client_id presented
 * (the caller's own input) for the HTTP layer's challenge and failure counting.
 */
export const failed = (message: string, method: ClientAuthMethod, clientId?: string): TesseraError =>
  new TesseraError('ERR_INVALID_CLIENT', message, {
    detail: clientId === undefined || clientId === '' ? { method } : { method, clientId },
  });
