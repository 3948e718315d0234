/** `GET /`: who is signed in, and a sign-out button; signed out, a link to sign in. */
import type { FastifyInstance } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { LOGIN_PATH, LOGOUT_PATH } from '../paths.js';
import { html, sendPage } from './render.js';
import { csrfToken, readSession } from './session.js';

export const HOME_PATH = '/';

export function homeRoutes(app: FastifyInstance): void {
  app.get(HOME_PATH, async (request, reply) => {
    const session = await readSession(request);
    if (!session) {
      return sendPage(reply, {
        title: 'Tessera',
        body: html`<h1>Tessera</h1>
<p>You are not signed in.</p>
<p><a href="${LOGIN_PATH}">Sign in</a></p>`,
      });
    }
    const { ctx } = request.server.tesseraPages;
    const user = await ctx.store.getUser(session.userId);
    if (!user) throw new TesseraError('ERR_NOT_FOUND', 'your account no longer exists');
    const csrf = csrfToken(request, reply);
    return sendPage(reply, {
      title: 'Signed in',
      body: html`<h1>Signed in</h1>
<dl>
<dt>User name</dt><dd id="user-name">${user.userName}</dd>
${user.displayName ? html`<dt>Name</dt><dd>${user.displayName}</dd>` : ''}
<dt>Signed in at</dt><dd><time datetime="${session.authTime.toISOString()}">${session.authTime.toISOString()}</time></dd>
</dl>
<form method="post" action="${LOGOUT_PATH}">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit">Sign out</button>
</form>`,
    });
  });
}
