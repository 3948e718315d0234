/**
 * `/login` (`return_to` = where to go afterwards, same-origin paths only): GET shows the form,
 * POST checks CSRF → per-IP limit → core login (lockout, audit) → replaces any session this
 * browser had (no session fixation) → 303 to `return_to`. Every refusal is generic.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LOCKED_MESSAGE, login } from '../../core/accounts/login.js';
import { MAX_PASSWORD_LENGTH } from '../../core/accounts/passwords.js';
import { isTesseraError } from '../../core/errors.js';
import { LOGIN_PATH, RESET_PATH } from '../paths.js';
import { field, formError, formFields, hidden } from './forms.js';
import { html, sendPage } from './render.js';
import { checkCsrf, csrfToken, endSession, readSession, safeReturnTo, setSessionCookie } from './session.js';

export const IP_LIMITED_MESSAGE = 'Too many attempts from your network. Try again later.';

export function loginRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: Record<string, unknown> }>(LOGIN_PATH, async (request, reply) => {
    const returnTo = safeReturnTo(request.query.return_to);
    if (await readSession(request))
      return reply.code(303).header('Cache-Control', 'no-store').header('Location', returnTo).send();
    return loginForm(request, reply, { returnTo });
  });

  app.post(LOGIN_PATH, async (request, reply) => {
    const form = formFields(request.body, ['csrf', 'username', 'password', 'return_to']);
    checkCsrf(request, form.csrf);
    const returnTo = safeReturnTo(form.return_to);
    const { ctx, settings, limiter } = request.server.tesseraPages;
    const wait = limiter.hit(request.ip);
    if (wait > 0) {
      reply.header('Retry-After', String(Math.ceil(wait / 1000)));
      return loginForm(request, reply, {
        returnTo,
        userName: form.username,
        error: IP_LIMITED_MESSAGE,
        status: 429,
      });
    }
    try {
      const done = await login(ctx, {
        userName: form.username,
        password: form.password.slice(0, MAX_PASSWORD_LENGTH + 1),
        sourceIp: request.ip,
        session: settings.session,
        lockout: settings.lockout,
      });
      await endSession(request, reply);
      setSessionCookie(request, reply, done.secret);
      return reply.code(303).header('Cache-Control', 'no-store').header('Location', returnTo).send();
    } catch (err) {
      if (!isTesseraError(err) || (err.code !== 'ERR_UNAUTHENTICATED' && err.code !== 'ERR_RATE_LIMITED'))
        throw err;
      const limited = err.code === 'ERR_RATE_LIMITED';
      if (limited) reply.header('Retry-After', String(err.detail?.retryAfterSeconds ?? 60));
      return loginForm(request, reply, {
        returnTo,
        userName: form.username,
        error: limited ? LOCKED_MESSAGE : err.message,
        status: limited ? 429 : 400,
      });
    }
  });
}

function loginForm(
  request: FastifyRequest,
  reply: FastifyReply,
  o: { returnTo: string; userName?: string; error?: string; status?: number },
) {
  const csrf = csrfToken(request, reply);
  return sendPage(reply, {
    title: 'Sign in',
    status: o.status ?? 200,
    body: html`<h1>Sign in</h1>
${formError(o.error)}
<form method="post" action="${LOGIN_PATH}"${o.error ? html` aria-describedby="form-error"` : ''}>
${hidden('csrf', csrf)}
${hidden('return_to', o.returnTo)}
${field({ name: 'username', label: 'User name or email', value: o.userName ?? '', autocomplete: 'username', autofocus: !o.userName, maxlength: 256 })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', autofocus: !!o.userName, maxlength: MAX_PASSWORD_LENGTH })}
<div class="actions"><button type="submit">Sign in</button><a href="${RESET_PATH}">Forgot your password?</a></div>
</form>`,
  });
}
