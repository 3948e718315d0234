/**
 * `/logout`: GET shows a confirm button (a link or an image must not sign anyone out), POST with
 * the CSRF token ends the session and shows the signed-out page.
 */
import type { FastifyInstance } from 'fastify';
import { LOGIN_PATH, LOGOUT_PATH } from '../paths.js';
import { html, sendPage } from './render.js';
import { checkCsrf, csrfToken, endSession, readSession } from './session.js';

export function logoutRoutes(app: FastifyInstance): void {
  app.get(LOGOUT_PATH, async (request, reply) => {
    const session = await readSession(request);
    if (!session) return signedOut(reply);
    const csrf = csrfToken(request, reply);
    return sendPage(reply, {
      title: 'Sign out',
      body: html`<h1>Sign out</h1>
<p>Sign out of Tessera on this browser?</p>
<form method="post" action="${LOGOUT_PATH}">
<input type="hidden" name="csrf" value="${csrf}">
<div class="actions"><button type="submit">Sign out</button><a href="/">Cancel</a></div>
</form>`,
    });
  });

  app.post(LOGOUT_PATH, async (request, reply) => {
    checkCsrf(request, (request.body as Record<string, unknown> | undefined)?.csrf);
    await endSession(request, reply);
    return signedOut(reply);
  });
}

function signedOut(reply: import('fastify').FastifyReply) {
  return sendPage(reply, {
    title: 'Signed out',
    body: html`<h1>Signed out</h1>
<p>You are signed out.</p>
<p><a href="${LOGIN_PATH}">Sign in again</a></p>`,
  });
}
