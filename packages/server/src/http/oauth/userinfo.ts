/**
 * `GET|POST /oauth2/userinfo` (OIDC Core §5.3): a Bearer access token in the Authorization
 * header (RFC 6750 §2.1; form-body and query tokens are not accepted), errors as RFC 6750 §3
 * `WWW-Authenticate` challenges. See core/oauth/oidc/userinfo.ts for which tokens it accepts.
 */
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { isTesseraError, TesseraError } from '../../core/errors.js';
import type { KeyRing } from '../../core/keys/keyring.js';
import { userInfo } from '../../core/oauth/oidc/userinfo.js';
import type { Queries } from '../../core/ports.js';
import type { GrantContext } from '../../core/tokens/grants/grant.js';
import { verifyAccessToken } from '../../core/tokens/verify-access-token.js';
import { bearerToken } from '../bearer.js';
import { USERINFO_PATH } from '../paths.js';
import { allowAnyOrigin } from './cors.js';

export interface UserInfoRoutesOptions {
  store: Pick<Queries, 'getUser' | 'getClientByClientId' | 'listConsents'>;
  keyRing: Pick<KeyRing, 'verificationKey'>;
  issuer: string;
  /** Revoked jtis (core/tokens/revocation-list.ts); a revoked token is invalid_token. */
  isRevoked?: (jti: string) => boolean;
  /**
   * The token service: once the introspection endpoint attached its event-fed introspector,
   * a token is accepted exactly when introspection would call it active (revocations by jti and
   * "before T", disabled users and clients included).
   */
  tokens?: { readonly introspector: GrantContext['introspector'] };
}

export async function userInfoRoutes(app: FastifyInstance, options: UserInfoRoutesOptions) {
  await app.register(formbody, { bodyLimit: 4096 });
  app.setErrorHandler(userInfoErrorHandler);

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request);
    const body = await userInfo(options.store, await readToken(token));
    return reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache').send(body);
  };

  /** The user and client a token speaks for, once it proves active. */
  const readToken = async (token: string): Promise<{ sub: string; clientId: string }> => {
    const introspector = options.tokens?.introspector;
    if (introspector) {
      const active = await introspector.activeAccessToken(token);
      if (!active) {
        throw new TesseraError(
          'ERR_UNAUTHENTICATED',
          'the access token is not active (malformed, expired, revoked, or its user or client disabled)',
        );
      }
      if (typeof active.claims.aver !== 'number') {
        throw new TesseraError('ERR_UNAUTHENTICATED', 'the access token speaks for no user');
      }
      return { sub: active.claims.sub, clientId: active.claims.client_id };
    }
    let audience: unknown;
    try {
      audience = decodeJwt(token).aud;
    } catch {
      throw new TesseraError('ERR_UNAUTHENTICATED', 'the access token is malformed');
    }
    if (typeof audience !== 'string')
      throw new TesseraError('ERR_UNAUTHENTICATED', 'the access token is invalid');
    // Every check but the audience (any API's token will do): key by kid, pinned alg, typ at+jwt, iss, exp.
    const claims = await verifyAccessToken(options.keyRing, { issuer: options.issuer, audience }, token);
    if (typeof claims.jti === 'string' && options.isRevoked?.(claims.jti)) {
      throw new TesseraError('ERR_UNAUTHENTICATED', 'the access token was revoked');
    }
    return { sub: claims.sub as string, clientId: claims.client_id as string };
  };
  app.get(USERINFO_PATH, handle);
  app.post(USERINFO_PATH, handle);
  // Browser apps (public clients) call UserInfo from their own origin, token in the header.
  allowAnyOrigin(app, USERINFO_PATH, ['GET', 'POST']);
}

/** RFC 6750 §3: 401 invalid_token (no error code when no token was sent), 403 insufficient_scope, 400 invalid_request. */
function userInfoErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const err = isTesseraError(error) ? error : undefined;
  reply.header('Cache-Control', 'no-store');
  if (err?.code === 'ERR_UNAUTHENTICATED') {
    const sent = request.headers.authorization !== undefined;
    const challenge = sent
      ? `Bearer realm="tessera", error="invalid_token", error_description="${quoted(err.message)}"`
      : 'Bearer realm="tessera"';
    return reply
      .code(401)
      .header('WWW-Authenticate', challenge)
      .send(sent ? { error: 'invalid_token', error_description: err.message } : { error: 'invalid_request' });
  }
  if (err?.code === 'ERR_FORBIDDEN') {
    return reply
      .code(403)
      .header(
        'WWW-Authenticate',
        `Bearer realm="tessera", error="insufficient_scope", scope="openid", error_description="${quoted(err.message)}"`,
      )
      .send({ error: 'insufficient_scope', error_description: err.message });
  }
  if (err && err.status < 500) {
    return reply
      .code(400)
      .header('WWW-Authenticate', 'Bearer realm="tessera", error="invalid_request"')
      .send({ error: 'invalid_request', error_description: err.message });
  }
  const status = (error as FastifyError).statusCode;
  if (!err && typeof status === 'number' && status >= 400 && status < 500) {
    return reply.code(400).send({ error: 'invalid_request', error_description: 'the request is malformed' });
  }
  request.log.error({ err: error }, 'userinfo failed');
  return reply.code(500).send({ error: 'server_error' });
}

/** RFC 6750 §3: error_description is a quoted-string of printable ASCII without `"` or `\`. */
const quoted = (value: string): string => value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ');
