/**
 * The consent page (issue 5: "consent … shown for others"): who asks (the client's name and
 * client_id), for which API (the application's name and audience), and what (the protocol
 * scopes in words, then the permissions). Its form posts the authorization request back to
 * CONSENT_PATH with the CSRF token and the user's decision.
 */
import type { FastifyReply } from 'fastify';
import type { User } from '../../core/model.js';
import type { AuthorizationRequest } from '../../core/oauth/authorize/request.js';
import { type Html, html, sendPage } from '../pages/render.js';
import { CONSENT_PATH } from '../paths.js';

const PROTOCOL_WORDS: Record<string, string> = {
  openid: 'Know who you are (your user id)',
  profile: 'See your name and user name',
  email: 'See your email address',
  offline_access: 'Stay connected while you are away (a refresh token)',
};

export interface ConsentPageInput {
  request: AuthorizationRequest;
  user: User;
  /** Permissions the token would carry. */
  permissions: readonly string[];
  csrf: string;
  /** The authorization request's parameters, carried as hidden fields. */
  hidden: ReadonlyArray<readonly [string, string]>;
}

export function sendConsentPage(reply: FastifyReply, input: ConsentPageInput): FastifyReply {
  const { request, user, permissions } = input;
  const { client, application } = request;
  const items: Html[] = request.protocol
    .filter((scope) => PROTOCOL_WORDS[scope] !== undefined)
    .map((scope) => html`<li>${PROTOCOL_WORDS[scope] ?? scope}</li>`);
  const permissionItems = permissions.map((p) => html`<li><code>${p}</code></li>`);
  const redirect = new URL(request.redirectUri);
  const formActionOrigins =
    redirect.protocol === 'https:' || redirect.protocol === 'http:' ? [redirect.origin] : [];
  return sendPage(reply, {
    title: `Allow ${client.name}?`,
    formActionOrigins,
    body: html`<h1>Allow ${client.name} to use your account?</h1>
<p>Signed in as <strong id="consent-user">${user.userName}</strong>.</p>
<p><strong>${client.name}</strong> (<code>${client.clientId}</code>) asks to access
<strong>${application.name}</strong> (<code>${application.audience}</code>) on your behalf.</p>
${items.length > 0 ? html`<p>It will be able to:</p><ul id="consent-scopes">${items}</ul>` : ''}
${
  permissionItems.length > 0
    ? html`<p>With these permissions of yours in ${application.name}:</p><ul id="consent-permissions">${permissionItems}</ul>`
    : html`<p>With no permissions in ${application.name}.</p>`
}
<p class="hint">Afterwards you will be sent to <code>${redirect.origin === 'null' ? request.redirectUri : redirect.origin}</code>.</p>
<form method="post" action="${CONSENT_PATH}">
<input type="hidden" name="csrf" value="${input.csrf}">
${input.hidden.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<div class="actions">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  });
}
