/**
 * The authorization endpoint, `GET|POST /oauth2/authorize` (RFC 6749 §3.1, OIDC Core §3.1.2.1
 * allows both), and the consent form's target, `POST /consent`. A pipeline:
 *
 * 1. client_id and redirect_uri (core/oauth/authorize/request.ts resolveTarget): until both are
 *    checked, every error is an HTML page here, never a redirect (no open redirector).
 * 2. The rest of the request; from here errors go back to the redirect URI with `state` and
 *    `iss` (RFC 6749 §4.1.2.1, RFC 9207).
 * 3. The browser session (contract 1, pages/session.ts): signed out, or prompt=login / max_age
 *    demanding a fresh sign-in, the browser goes to the login page and comes back here.
 * 4. Consent (skipped for first-party clients and when remembered), then the code.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { TesseraError } from '../../core/errors.js';
import { authorize } from '../../core/oauth/authorize/authorize.js';
import { AuthorizeError, authorizeErrorOf } from '../../core/oauth/authorize/errors.js';
import {
  type AuthorizeLookup,
  type AuthorizeTarget,
  readAuthorizationRequest,
  resolveTarget,
} from '../../core/oauth/authorize/request.js';
import type { TokenParams } from '../../core/tokens/params.js';
import { pageErrorHandler } from '../pages/errors.js';
import { PAGE_BODY_LIMIT } from '../pages/plugin.js';
import { checkCsrf, csrfToken, endSession, readSession } from '../pages/session.js';
import { AUTHORIZE_PATH, CONSENT_PATH, LOGIN_PATH } from '../paths.js';
import { sendConsentPage } from './consent-page.js';

export interface AuthorizeRoutesOptions {
  ctx: CoreContext;
  /** `iss` of authorization responses (RFC 9207); no trailing slash. */
  issuer: string;
}

/** pages/session.ts safeReturnTo: longer return_to values fall back to the home page. */
const MAX_RETURN_TO = 2048;

/** The parameters a consent form carries back (prompt and max_age were honoured already). */
const CARRIED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'resource',
] as const;

export async function authorizeRoutes(app: FastifyInstance, options: AuthorizeRoutesOptions) {
  const { ctx, issuer } = options;
  await app.register(formbody, { bodyLimit: PAGE_BODY_LIMIT });
  app.setErrorHandler(pageErrorHandler);
  const lookup: AuthorizeLookup = {
    client: (clientId) => ctx.store.getClientByClientId(clientId),
    application: (audience) => ctx.store.getApplicationByAudience(audience),
  };

  const handle = async (
    request: FastifyRequest,
    reply: FastifyReply,
    params: TokenParams,
    decision?: 'approve' | 'deny',
  ) => {
    const target = await resolveTarget(lookup, params);
    try {
      const authorization = await readAuthorizationRequest(lookup, target, params);
      const outcome = await authorize(ctx, {
        request: authorization,
        session: await readSession(request),
        ...(decision && { decision }),
        sourceIp: request.ip,
      });
      switch (outcome.kind) {
        case 'login': {
          const back = asGet(params, true);
          // The login page accepts return_to paths up to MAX_RETURN_TO; a longer request could not
          // resume after sign-in, so it fails here, visibly, instead of landing on the home page.
          if (back.length > MAX_RETURN_TO) {
            throw new AuthorizeError(
              'invalid_request',
              'the authorization request is too long (state, nonce or scope)',
            );
          }
          // prompt=login or an old sign-in: end it, so the login page asks for credentials again.
          if (outcome.reauthenticate) await endSession(request, reply);
          return redirect(reply, `${LOGIN_PATH}?return_to=${encodeURIComponent(back)}`);
        }
        case 'consent':
          return sendConsentPage(reply, {
            request: authorization,
            user: outcome.user,
            permissions: outcome.permissions,
            csrf: csrfToken(request, reply),
            hidden: carried(params),
          });
        case 'code':
          return respond(reply, target, issuer, { code: outcome.code });
      }
    } catch (err) {
      const { error, description } = authorizeErrorOf(err);
      if (error === 'server_error') request.log.error({ err }, 'authorization request failed');
      return respond(reply, target, issuer, { error, error_description: description });
    }
  };

  app.get(AUTHORIZE_PATH, (request, reply) => handle(request, reply, request.query as TokenParams));
  app.post(AUTHORIZE_PATH, async (request, reply) => {
    const params = formParams(request);
    if (await readSession(request)) return handle(request, reply, params);
    // A request POSTed from the client's site carries no SameSite=Lax session cookie; as a
    // top-level GET it does (and prompt=none then sees the session that is really there).
    await resolveTarget(lookup, params);
    return redirect(reply, asGet(params, false));
  });

  app.post(CONSENT_PATH, async (request, reply) => {
    const body = formParams(request);
    checkCsrf(request, body.csrf);
    const decision = body.decision;
    if (decision !== 'approve' && decision !== 'deny') {
      throw new TesseraError('ERR_INVALID_REQUEST', 'Choose Allow or Deny.');
    }
    return handle(request, reply, pick(body), decision);
  });
}

function formParams(request: FastifyRequest): TokenParams {
  const body = request.body;
  return typeof body === 'object' && body !== null ? (body as TokenParams) : {};
}

function pick(params: TokenParams): TokenParams {
  const out: Record<string, string | readonly string[] | undefined> = {};
  for (const name of CARRIED) if (params[name] !== undefined) out[name] = params[name];
  return out;
}

function carried(params: TokenParams): [string, string][] {
  const out: [string, string][] = [];
  for (const name of CARRIED) {
    const value = params[name];
    for (const v of value === undefined ? [] : typeof value === 'string' ? [value] : value)
      out.push([name, v]);
  }
  return out;
}

/**
 * This request as a GET. For the login page's return_to, without `prompt=login` or
 * `select_account` (the sign-in they asked for is the one about to happen) so it does not loop.
 */
function asGet(params: TokenParams, dropPromptLogin: boolean): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (let v of value === undefined ? [] : typeof value === 'string' ? [value] : value) {
      if (name === 'prompt' && dropPromptLogin) {
        v = v
          .split(' ')
          .filter((p) => p !== 'login' && p !== 'select_account')
          .join(' ');
      }
      if (v !== '') query.append(name, v);
    }
  }
  return `${AUTHORIZE_PATH}?${query}`;
}

function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('Cache-Control', 'no-store').header('Location', location).send();
}

/** RFC 6749 §4.1.2 / §4.1.2.1 response in the query of the registered redirect URI, with RFC 9207 `iss`. */
function respond(
  reply: FastifyReply,
  target: AuthorizeTarget,
  issuer: string,
  values: Record<string, string>,
): FastifyReply {
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(values)) url.searchParams.append(name, value);
  if (target.state !== undefined) url.searchParams.append('state', target.state);
  url.searchParams.append('iss', issuer);
  return redirect(reply, url.href);
}
