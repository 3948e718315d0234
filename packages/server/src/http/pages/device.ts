/**
 * `/device` (RFC 8628 §3.3): the verification page. A signed-in user enters the code their
 * device shows (or arrives with it from `verification_uri_complete` and only confirms), sees
 * which client asks for which audience and scopes, and approves or denies.
 *
 * - Signed out: requireSession sends the browser to /login and back here, code included.
 * - Every form carries the CSRF token; approving and denying are POSTs, never GETs.
 * - The code is shown again on the confirmation page, so the user can check it against the
 *   device (§5.4: a user talked into entering someone else's code sees whose client it is).
 * - Brute force (§5.1): a wrong, expired or used code counts against both the session and the
 *   source address; past `failuresPer10Minutes` either way the page answers 429 without
 *   looking anything up. Every wrong code gets the same words.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { formatUserCode, normalizeUserCode } from '../../core/oauth/device/codes.js';
import { decideDevice, findPendingDevice, type PendingDevice } from '../../core/oauth/device/decide.js';
import { DEVICE_PATH } from '../paths.js';
import { RateLimiter } from '../rate-limit.js';
import { pageErrorHandler } from './errors.js';
import { PAGE_BODY_LIMIT } from './plugin.js';
import { type Html, html, sendPage } from './render.js';
import { checkCsrf, csrfToken, type PageSession, requireSession } from './session.js';

export interface DevicePageOptions {
  /** Wrong codes allowed per 10 minutes, per session and per source address. */
  failuresPer10Minutes: number;
  /** Default Date.now. */
  now?: () => number;
}

const WINDOW_MS = 10 * 60_000;

const PROTOCOL_SCOPE_TEXT: Record<string, string> = {
  openid: 'Confirm who you are (OpenID Connect)',
  profile: 'Your name and user name',
  email: 'Your email address',
  offline_access: 'Stay signed in (refresh tokens)',
};

interface DeviceForm {
  csrf?: unknown;
  user_code?: unknown;
  action?: unknown;
}

export async function devicePageRoutes(app: FastifyInstance, options: DevicePageOptions): Promise<void> {
  const limiter = new RateLimiter({
    limit: options.failuresPer10Minutes,
    windowMs: WINDOW_MS,
    ...(options.now ? { now: options.now } : {}),
  });
  await app.register(formbody, { bodyLimit: PAGE_BODY_LIMIT });
  app.setErrorHandler(pageErrorHandler);

  const keys = (request: FastifyRequest, session: PageSession) => [
    `ip ${request.ip}`,
    `session ${session.id}`,
  ];

  /** Refuses at once when the session or the address used up its wrong guesses. */
  const admit = (request: FastifyRequest, session: PageSession) => {
    const wait = Math.max(...keys(request, session).map((key) => limiter.check(key)));
    if (wait > 0) {
      throw new TesseraError('ERR_RATE_LIMITED', 'Too many wrong codes. Wait a few minutes and try again.', {
        detail: { retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) },
      });
    }
  };
  const failed = (request: FastifyRequest, session: PageSession) => {
    for (const key of keys(request, session)) limiter.hit(key);
  };

  /** The pending authorization a typed code names; a miss counts as a wrong guess. */
  const lookup = async (request: FastifyRequest, session: PageSession, typed: unknown) => {
    admit(request, session);
    const { ctx } = request.server.tesseraPages;
    const pending = await findPendingDevice(ctx.store, ctx.clock, typed);
    if (!pending) failed(request, session);
    return pending;
  };

  app.get(DEVICE_PATH, async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return reply;
    const typed = (request.query as Record<string, unknown>).user_code;
    if (typed === undefined || typed === '') return entryPage(request, reply);
    const pending = await lookup(request, session, typed);
    if (!pending) return entryPage(request, reply, typed, 400);
    return confirmPage(request, reply, pending);
  });

  app.post(DEVICE_PATH, async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return reply;
    const form = (request.body ?? {}) as DeviceForm;
    checkCsrf(request, form.csrf);
    const action = form.action;
    if (action === 'approve' || action === 'deny') {
      admit(request, session);
      const { ctx } = request.server.tesseraPages;
      let decided: PendingDevice;
      try {
        decided = await decideDevice(
          ctx,
          { type: 'user', id: session.userId, sourceIp: request.ip },
          {
            userCode: form.user_code,
            userId: session.userId,
            authTime: session.authTime,
            approve: action === 'approve',
          },
        );
      } catch (err) {
        // Used, expired or never existed: the same as a wrong code on the entry form.
        if (err instanceof TesseraError && err.code === 'ERR_INVALID_REQUEST') {
          failed(request, session);
          return entryPage(request, reply, form.user_code, 400);
        }
        throw err;
      }
      return donePage(reply, decided, action === 'approve');
    }
    const pending = await lookup(request, session, form.user_code);
    if (!pending) return entryPage(request, reply, form.user_code, 400);
    return confirmPage(request, reply, pending);
  });
}

function entryPage(
  request: FastifyRequest,
  reply: FastifyReply,
  typed?: unknown,
  status = 200,
): FastifyReply {
  const csrf = csrfToken(request, reply);
  const wrong = status !== 200;
  const value = typeof typed === 'string' ? typed.slice(0, 32) : '';
  return sendPage(reply, {
    title: 'Connect a device',
    status,
    body: html`<h1>Connect a device</h1>
${
  wrong
    ? html`<p class="notice error" role="alert" id="code-error">That code is not valid: it may be mistyped, expired or used already. Check the code on your device and try again.</p>`
    : ''
}
<p>Enter the code your device shows.</p>
<form method="post" action="${DEVICE_PATH}">
<input type="hidden" name="csrf" value="${csrf}">
<div class="field">
<label for="user_code">Code</label>
<span class="hint" id="code-hint">8 letters, like BCDF-GHJK; case and dashes do not matter.</span>
<input type="text" id="user_code" name="user_code" value="${value}" required autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="32" aria-describedby="code-hint${wrong ? ' code-error' : ''}"${wrong ? html` aria-invalid="true"` : ''} autofocus>
</div>
<button type="submit" name="action" value="confirm">Continue</button>
</form>`,
  });
}

function scopeList(pending: PendingDevice): Html {
  const items: Html[] = pending.protocolScopes.map(
    (scope) => html`<li>${PROTOCOL_SCOPE_TEXT[scope] ?? scope}</li>`,
  );
  if (pending.permissions.length === 0) {
    items.push(html`<li>All the permissions you hold for ${pending.application.name}</li>`);
  } else {
    for (const permission of pending.permissions) items.push(html`<li><code>${permission}</code></li>`);
  }
  return html`<ul id="scopes">${items}</ul>`;
}

function confirmPage(request: FastifyRequest, reply: FastifyReply, pending: PendingDevice): FastifyReply {
  const csrf = csrfToken(request, reply);
  return sendPage(reply, {
    title: 'Approve this device?',
    body: html`<h1>Approve this device?</h1>
<p>Only approve if the code below is the one your device shows and you started this sign-in yourself.</p>
<dl>
<dt>Code</dt><dd class="code" id="user-code">${displayCode(request)}</dd>
<dt>Application</dt><dd id="client-name">${pending.client.name}</dd>
<dt>Access to</dt><dd id="audience">${pending.application.name} (${pending.application.audience})</dd>
</dl>
<p>It will be able to act as you with:</p>
${scopeList(pending)}
<form method="post" action="${DEVICE_PATH}">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="user_code" value="${displayCode(request)}">
<div class="actions">
<button type="submit" name="action" value="approve">Approve</button>
<button type="submit" name="action" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  });
}

/** The code the user gave in this request, formatted (the store keeps only its hash). */
function displayCode(request: FastifyRequest): string {
  const body = (request.body ?? {}) as DeviceForm;
  const query = request.query as Record<string, unknown>;
  const normalized = normalizeUserCode(body.user_code ?? query.user_code);
  return normalized === undefined ? '' : formatUserCode(normalized);
}

function donePage(reply: FastifyReply, decided: PendingDevice, approved: boolean): FastifyReply {
  return sendPage(reply, {
    title: approved ? 'Device connected' : 'Request denied',
    body: approved
      ? html`<h1>Device connected</h1>
<p class="notice" role="status">You approved <strong>${decided.client.name}</strong>. Return to your device: it finishes signing in by itself.</p>`
      : html`<h1>Request denied</h1>
<p class="notice" role="status">The device was not connected. If you did not start this, you can ignore it: nothing was granted.</p>`,
  });
}
