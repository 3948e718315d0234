/**
 * `/activate?code=…` (invitation) and `/reset?code=…` (password reset): GET checks the link
 * and shows the new-password form (nothing is consumed on GET: mail scanners fetch links);
 * POST checks CSRF → per-IP limit → the two passwords agree → core redeemLink (policy, single
 * use, ends the user's other sessions, signs in) → 303 to the signed-in page.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findUsableLink, INVALID_LINK_MESSAGE, redeemLink } from '../../core/accounts/links.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../core/accounts/passwords.js';
import type { LinkPurpose } from '../../core/accounts/ports.js';
import { isTesseraError } from '../../core/errors.js';
import { ACTIVATE_PATH, RESET_PATH } from '../paths.js';
import { field, formError, formFields, hidden } from './forms.js';
import { HOME_PATH } from './home.js';
import { IP_LIMITED_MESSAGE } from './login.js';
import { html, sendErrorPage, sendPage } from './render.js';
import { checkCsrf, csrfToken, endSession, setSessionCookie } from './session.js';

const TEXT: Record<LinkPurpose, { path: string; title: string; intro: string; button: string }> = {
  activate: {
    path: ACTIVATE_PATH,
    title: 'Activate your account',
    intro: 'Choose a password to finish setting up your account.',
    button: 'Activate and sign in',
  },
  reset: {
    path: RESET_PATH,
    title: 'Choose a new password',
    intro: 'Choose a new password. This signs you out on every other device.',
    button: 'Set password and sign in',
  },
};

export async function showSetPassword(
  request: FastifyRequest,
  reply: FastifyReply,
  purpose: LinkPurpose,
  code: unknown,
) {
  const { ctx } = request.server.tesseraPages;
  const found = await findUsableLink(ctx, code, purpose);
  if (!found) return sendErrorPage(reply, 400, 'Link not valid', INVALID_LINK_MESSAGE);
  return setPasswordForm(request, reply, purpose, { code: code as string, userName: found.user.userName });
}

export async function submitSetPassword(request: FastifyRequest, reply: FastifyReply, purpose: LinkPurpose) {
  const form = formFields(request.body, ['csrf', 'code', 'password', 'confirm']);
  checkCsrf(request, form.csrf);
  const { ctx, settings, limiter } = request.server.tesseraPages;
  const wait = limiter.hit(request.ip);
  if (wait > 0) {
    reply.header('Retry-After', String(Math.ceil(wait / 1000)));
    return sendErrorPage(reply, 429, 'Too many attempts', IP_LIMITED_MESSAGE);
  }
  const found = await findUsableLink(ctx, form.code, purpose);
  if (!found) return sendErrorPage(reply, 400, 'Link not valid', INVALID_LINK_MESSAGE);
  const again = (error: { password?: string; confirm?: string }) =>
    setPasswordForm(request, reply, purpose, {
      code: form.code,
      userName: found.user.userName,
      status: 400,
      ...error,
    });
  if (form.password !== form.confirm) return again({ confirm: 'The two passwords do not match.' });
  try {
    const done = await redeemLink(ctx, {
      code: form.code,
      purpose,
      password: form.password,
      sourceIp: request.ip,
      session: settings.session,
    });
    await endSession(request, reply);
    setSessionCookie(request, reply, done.secret);
    return reply.code(303).header('Cache-Control', 'no-store').header('Location', HOME_PATH).send();
  } catch (err) {
    if (isTesseraError(err) && err.code === 'ERR_VALIDATION') return again({ password: err.message });
    if (isTesseraError(err) && err.code === 'ERR_INVALID_GRANT') {
      return sendErrorPage(reply, 400, 'Link not valid', INVALID_LINK_MESSAGE);
    }
    throw err;
  }
}

function setPasswordForm(
  request: FastifyRequest,
  reply: FastifyReply,
  purpose: LinkPurpose,
  o: { code: string; userName: string; password?: string; confirm?: string; status?: number },
) {
  const text = TEXT[purpose];
  const csrf = csrfToken(request, reply);
  return sendPage(reply, {
    title: text.title,
    status: o.status ?? 200,
    body: html`<h1>${text.title}</h1>
<p>${text.intro}</p>
${formError(o.password ?? o.confirm)}
<form method="post" action="${text.path}">
${hidden('csrf', csrf)}
${hidden('code', o.code)}
<dl><dt>User name</dt><dd id="user-name">${o.userName}</dd></dl>
<input type="text" name="username" value="${o.userName}" autocomplete="username" hidden readonly>
${field({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a good one.`, error: o.password, minlength: MIN_PASSWORD_LENGTH, maxlength: MAX_PASSWORD_LENGTH, autofocus: true })}
${field({ name: 'confirm', label: 'Repeat the password', type: 'password', autocomplete: 'new-password', error: o.confirm, maxlength: MAX_PASSWORD_LENGTH })}
<button type="submit">${text.button}</button>
</form>`,
  });
}
