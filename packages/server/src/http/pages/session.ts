/**
 * Page sessions and CSRF protection for every server-rendered form (contract 1 of issue 5).
 *
 * How a route gets its dependencies: `installPages()` (./plugin.ts, called by http/app.ts before
 * any page route is registered) decorates the ROOT Fastify instance with `tesseraPages`
 * (`PagesRuntime`: store, clock, session policy, CSRF key). Decorators of the root are visible in
 * every plugin, so the free functions below take only the request (and reply) and read
 * `request.server.tesseraPages`. A route registered on an app without it throws a TypeError.
 *
 * Session cookie `tessera_session` (`__Host-tessera_session` over TLS): a random 256-bit secret,
 * stored hashed (core/accounts/sessions.ts); `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` when
 * the request came over TLS (`request.protocol`, which honours X-Forwarded-Proto only with
 * TESSERA_TRUST_PROXY). No Max-Age: the browser forgets it when closed; the server ends it at
 * the absolute or idle lifetime anyway.
 *
 * CSRF: a signed double-submit token. The browser holds a random value in `tessera_csrf`
 * (`__Host-tessera_csrf` over TLS; the prefix stops a sibling subdomain from planting one); a
 * form carries HMAC-SHA256(server key, value). Another site can neither read the cookie nor
 * compute the HMAC, and SameSite=Lax keeps the cookie off its cross-site POSTs anyway. The key
 * is one per deployment (kept in the store sealed with the master key, so every worker and
 * instance agrees and the database alone does not reveal it).
 *
 * Usage in a route:
 *   const session = await requireSession(request, reply); if (!session) return reply;
 *   const csrf = csrfToken(request, reply);   // <input type="hidden" name="csrf" value="${csrf}">
 *   … on POST: checkCsrf(request, body.csrf);  // throws TesseraError ERR_INVALID_REQUEST
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveSession, type SessionPolicy } from '../../core/accounts/sessions.js';
import type { AccountSettings } from '../../core/accounts/settings.js';
import type { CoreContext } from '../../core/context.js';
import { commit } from '../../core/context.js';
import { TesseraError } from '../../core/errors.js';
import { randomSecret } from '../../core/ids.js';
import { LOGIN_PATH } from '../paths.js';
import type { RateLimiter } from '../rate-limit.js';

export interface PageSession {
  /** The session's public id (OIDC `sid`), never the cookie secret. */
  id: string;
  userId: string;
  /** When the user authenticated (OIDC `auth_time`). */
  authTime: Date;
}

export interface PagesRuntime {
  ctx: CoreContext;
  policy: SessionPolicy;
  /** HMAC key of CSRF tokens (32 bytes). */
  csrfKey: Buffer;
  /** Invitation/reset/lockout settings and the mailer. */
  settings: AccountSettings;
  /** Per-IP limit on password form posts (login, activation, reset). */
  limiter: RateLimiter;
}

declare module 'fastify' {
  interface FastifyInstance {
    tesseraPages: PagesRuntime;
  }
}

const SESSION_COOKIE = 'tessera_session';
const CSRF_COOKIE = 'tessera_csrf';
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function runtime(request: FastifyRequest): PagesRuntime {
  const pages = request.server.tesseraPages;
  if (!pages) throw new TypeError('pages are not installed on this app (installPages)');
  return pages;
}

/** Whether the browser reached us over TLS (directly, or through a trusted proxy). */
export const isSecure = (request: FastifyRequest): boolean => request.protocol === 'https';

const cookieName = (request: FastifyRequest, base: string): string =>
  isSecure(request) ? `__Host-${base}` : base;

/** One cookie's value from the Cookie header (first occurrence), or undefined. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Adds a Set-Cookie header, replacing one for the same cookie set earlier in this response. */
function appendSetCookie(reply: FastifyReply, value: string): void {
  const previous = reply.getHeader('set-cookie');
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
  const name = value.slice(0, value.indexOf('=') + 1);
  reply.header('set-cookie', [...list.filter((c) => !c.startsWith(name)), value]);
}

function cookieAttributes(request: FastifyRequest): string {
  return `Path=/; HttpOnly; SameSite=Lax${isSecure(request) ? '; Secure' : ''}`;
}

/** Sets the session cookie for a session just started (core/accounts/sessions.ts startSession). */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string): void {
  appendSetCookie(reply, `${cookieName(request, SESSION_COOKIE)}=${secret}; ${cookieAttributes(request)}`);
  sessions.delete(request);
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  appendSetCookie(
    reply,
    `${cookieName(request, SESSION_COOKIE)}=; ${cookieAttributes(request)}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`,
  );
}

const sessions = new WeakMap<FastifyRequest, Promise<PageSession | undefined>>();

/** The request's signed-in session, or undefined (absent, expired, idle, user disabled or deleted). Memoized per request. */
export function readSession(request: FastifyRequest): Promise<PageSession | undefined> {
  let found = sessions.get(request);
  if (!found) {
    found = lookup(request);
    sessions.set(request, found);
  }
  return found;
}

async function lookup(request: FastifyRequest): Promise<PageSession | undefined> {
  const secret = readCookie(request, cookieName(request, SESSION_COOKIE));
  if (!secret || !SECRET_PATTERN.test(secret)) return undefined;
  const { ctx, policy } = runtime(request);
  const session = await resolveSession(ctx.store, ctx.clock, policy, secret);
  return session && { id: session.id, userId: session.userId, authTime: session.createdAt };
}

/**
 * The session, or (signed out) a 303 to the login page that returns here afterwards; then it
 * returns undefined and the route must return the reply without writing more.
 */
export async function requireSession(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PageSession | undefined> {
  const session = await readSession(request);
  if (session) return session;
  reply
    .code(303)
    .header('Cache-Control', 'no-store')
    .header('Location', `${LOGIN_PATH}?return_to=${encodeURIComponent(request.url)}`)
    .send();
  return undefined;
}

/**
 * Ends the request's session: deletes it in the store (audited as `session.ended`) and clears
 * the cookie. Returns the session it ended, or undefined when there was none.
 */
export async function endSession(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PageSession | undefined> {
  const session = await readSession(request);
  if (readCookie(request, cookieName(request, SESSION_COOKIE)) !== undefined)
    clearSessionCookie(request, reply);
  sessions.set(request, Promise.resolve(undefined));
  if (!session) return undefined;
  const { ctx } = runtime(request);
  await commit(ctx, async (tx) => {
    const deleted = await tx.deleteAccountSession(session.id);
    return {
      result: undefined,
      changes: deleted
        ? [
            {
              actor: { type: 'user' as const, id: session.userId, sourceIp: request.ip },
              action: 'session.ended',
              targetType: 'user',
              targetId: session.userId,
              summary: { sessionId: session.id },
            },
          ]
        : [],
    };
  });
  return session;
}

const csrfValues = new WeakMap<FastifyRequest, string>();

function csrfMac(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(`tessera-csrf:${value}`).digest('base64url');
}

/** The CSRF token for this browser, for a hidden `csrf` form field; sets the CSRF cookie when the browser has none. */
export function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  const { csrfKey } = runtime(request);
  let value = csrfValues.get(request) ?? readCookie(request, cookieName(request, CSRF_COOKIE));
  if (!value || !SECRET_PATTERN.test(value)) {
    value = randomSecret();
    appendSetCookie(reply, `${cookieName(request, CSRF_COOKIE)}=${value}; ${cookieAttributes(request)}`);
  }
  csrfValues.set(request, value);
  return csrfMac(csrfKey, value);
}

/** Throws TesseraError('ERR_INVALID_REQUEST') unless `submitted` is this browser's CSRF token. */
export function checkCsrf(request: FastifyRequest, submitted: unknown): void {
  const { csrfKey } = runtime(request);
  const value = readCookie(request, cookieName(request, CSRF_COOKIE));
  const ok =
    typeof submitted === 'string' &&
    value !== undefined &&
    SECRET_PATTERN.test(value) &&
    safeEqual(submitted, csrfMac(csrfKey, value));
  if (!ok) {
    throw new TesseraError(
      'ERR_INVALID_REQUEST',
      'the form expired or did not come from this site; reload the page and try again',
      { detail: { reason: 'csrf' } },
    );
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * `return_to` as a same-origin relative path: `/…` but never `//…` or `/\…` (which browsers
 * treat as another host), no control characters; anything else is `/`.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  return value;
}
