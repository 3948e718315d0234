/**
 * `/reset`: without a code, the request form (user name or email), which always answers the
 * same and mails a link in the background when SMTP is configured and the account has an
 * address (so neither the answer nor its timing tells whether the account exists); with a code,
 * the set-password page (./set-password.ts).
 */
import type { FastifyInstance } from 'fastify';
import { requestPasswordReset } from '../../core/accounts/deliver.js';
import { LOGIN_PATH, RESET_PATH } from '../paths.js';
import { field, formFields, hidden } from './forms.js';
import { IP_LIMITED_MESSAGE } from './login.js';
import { html, sendErrorPage, sendPage } from './render.js';
import { checkCsrf, csrfToken } from './session.js';
import { showSetPassword, submitSetPassword } from './set-password.js';

export function resetRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: Record<string, unknown> }>(RESET_PATH, async (request, reply) => {
    if (request.query.code !== undefined) return showSetPassword(request, reply, 'reset', request.query.code);
    const csrf = csrfToken(request, reply);
    return sendPage(reply, {
      title: 'Reset your password',
      body: html`<h1>Reset your password</h1>
<p>Enter your user name or email address. If the account has an email address, a link to choose a new password is mailed to it.</p>
<form method="post" action="${RESET_PATH}">
${hidden('csrf', csrf)}
${field({ name: 'username', label: 'User name or email', autocomplete: 'username', autofocus: true, maxlength: 256 })}
<div class="actions"><button type="submit">Send the link</button><a href="${LOGIN_PATH}">Back to sign in</a></div>
</form>`,
    });
  });

  app.post(RESET_PATH, async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object' && 'code' in body) return submitSetPassword(request, reply, 'reset');
    const form = formFields(body, ['csrf', 'username']);
    checkCsrf(request, form.csrf);
    const { ctx, settings, limiter } = request.server.tesseraPages;
    if (limiter.hit(request.ip) > 0)
      return sendErrorPage(reply, 429, 'Too many attempts', IP_LIMITED_MESSAGE);
    // Not awaited: the answer and its timing are the same whether or not a mail goes out.
    requestPasswordReset(ctx, settings, form.username, request.ip).catch((err) =>
      request.log.error({ err }, 'password reset mail failed'),
    );
    return sendPage(reply, {
      title: 'Check your mail',
      body: html`<h1>Check your mail</h1>
<p>If the account exists and has an email address, a link to choose a new password is on its way. It works once and for a limited time.</p>
<p>No mail? Ask your administrator for a reset link.</p>
<p><a href="${LOGIN_PATH}">Back to sign in</a></p>`,
    });
  });
}
