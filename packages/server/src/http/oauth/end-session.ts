/**
 * `GET|POST /oauth2/end_session`: OpenID Connect RP-Initiated Logout 1.0.
 *
 * - `post_logout_redirect_uri` is honoured only when it exactly matches one the client
 *   registered (§3: "MUST NOT perform post-logout redirection … unless … previously
 *   registered"); the client is named by `client_id` or the hint's `aud`, which must agree.
 *   A mismatch is an error page, never a redirect.
 * - With a valid `id_token_hint` for the signed-in user (or nobody signed in) the session ends
 *   at once. Otherwise the user confirms on a page with a CSRF-protected form (§2: the OP
 *   "SHOULD ask the End-User whether to log out"), so a link on another site cannot sign
 *   anyone out.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import type { KeyRing } from '../../core/keys/keyring.js';
import type { Client } from '../../core/model.js';
import { verifyIdTokenHint } from '../../core/oauth/oidc/id-token-hint.js';
import type { Queries } from '../../core/ports.js';
import { single, type TokenParams } from '../../core/tokens/params.js';
import { pageErrorHandler } from '../pages/errors.js';
import { PAGE_BODY_LIMIT } from '../pages/plugin.js';
import { html, sendPage } from '../pages/render.js';
import { checkCsrf, csrfToken, endSession, readSession } from '../pages/session.js';
import { END_SESSION_PATH, LOGIN_PATH } from '../paths.js';

export interface EndSessionRoutesOptions {
  store: Pick<Queries, 'getClientByClientId'>;
  keyRing: Pick<KeyRing, 'verificationKey'>;
  issuer: string;
}

export async function endSessionRoutes(app: FastifyInstance, options: EndSessionRoutesOptions) {
  await app.register(formbody, { bodyLimit: PAGE_BODY_LIMIT });
  app.setErrorHandler(pageErrorHandler);

  const handle = async (request: FastifyRequest, reply: FastifyReply, params: TokenParams) => {
    const read = (name: string) => {
      const value = single(params, name);
      if (value !== undefined && value.length > 4096) throw refused(`The parameter ${name} is too long.`);
      return value;
    };
    const hintValue = read('id_token_hint');
    const hint =
      hintValue === undefined
        ? undefined
        : await verifyIdTokenHint(options.keyRing, options.issuer, hintValue);
    if (hintValue !== undefined && !hint)
      throw refused('The sign-out request carries an ID token Tessera did not issue.');
    const clientId = read('client_id');
    if (hint && clientId !== undefined && clientId !== hint.clientId) {
      throw refused('client_id does not match the ID token of the sign-out request.');
    }
    const postLogout = read('post_logout_redirect_uri');
    const state = read('state');
    let client: Client | undefined;
    if (postLogout !== undefined) {
      const named = clientId ?? hint?.clientId;
      client = named === undefined ? undefined : await options.store.getClientByClientId(named);
      if (!client?.enabled) throw refused('The application asking to sign you out is unknown.');
      if (!client.postLogoutRedirectUris.includes(postLogout)) {
        throw refused('The address to return to after signing out is not registered for this application.');
      }
    }

    const session = await readSession(request);
    const confirmed = params.confirm === 'yes';
    if (confirmed) checkCsrf(request, params.csrf);
    const trusted = confirmed || !session || (hint !== undefined && hint.sub === session.userId);
    if (!trusted) {
      const csrf = csrfToken(request, reply);
      const hidden: [string, string | undefined][] = [
        ['client_id', client?.clientId ?? clientId],
        ['post_logout_redirect_uri', postLogout],
        ['state', state],
      ];
      const target = postLogout === undefined ? undefined : new URL(postLogout);
      return sendPage(reply, {
        title: 'Sign out',
        ...(target &&
          (target.protocol === 'https:' || target.protocol === 'http:') && {
            formActionOrigins: [target.origin],
          }),
        body: html`<h1>Sign out</h1>
<p>${client ? html`<strong>${client.name}</strong> asks to sign you out of Tessera.` : 'Sign out of Tessera on this browser?'}</p>
<form method="post" action="${END_SESSION_PATH}">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="confirm" value="yes">
${hidden.filter(([, v]) => v !== undefined).map(([name, v]) => html`<input type="hidden" name="${name}" value="${v}">`)}
<div class="actions"><button type="submit">Sign out</button><a href="/">Stay signed in</a></div>
</form>`,
      });
    }
    await endSession(request, reply);
    if (postLogout !== undefined) {
      const url = new URL(postLogout);
      if (state !== undefined) url.searchParams.append('state', state);
      return reply.code(303).header('Cache-Control', 'no-store').header('Location', url.href).send();
    }
    return sendPage(reply, {
      title: 'Signed out',
      body: html`<h1>Signed out</h1>
<p>You are signed out.</p>
<p><a href="${LOGIN_PATH}">Sign in again</a></p>`,
    });
  };

  app.get(END_SESSION_PATH, (request, reply) => handle(request, reply, request.query as TokenParams));
  app.post(END_SESSION_PATH, (request, reply) => {
    const body = request.body;
    const params = typeof body === 'object' && body !== null ? (body as TokenParams) : {};
    if (params.confirm === 'yes') return handle(request, reply, params);
    // A relying party's logout form posts from its own site, and a SameSite=Lax session cookie
    // does not travel with a cross-site POST: the user would look signed out and stay signed in.
    // The same request as a top-level GET carries the cookie.
    const query = new URLSearchParams();
    for (const name of [
      'id_token_hint',
      'client_id',
      'post_logout_redirect_uri',
      'state',
      'logout_hint',
      'ui_locales',
    ]) {
      const value = single(params, name);
      if (value !== undefined) query.append(name, value);
    }
    return reply
      .code(303)
      .header('Cache-Control', 'no-store')
      .header('Location', `${END_SESSION_PATH}?${query}`)
      .send();
  });
}

const refused = (message: string): TesseraError => new TesseraError('ERR_INVALID_REQUEST', message);
