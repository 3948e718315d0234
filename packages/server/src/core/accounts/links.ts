/**
 * One-time links: an invitation (`activate`) or a password reset (`reset`). The code is 256
 * random bits, stored as its SHA-256; it works once, until its expiry, and only while it is the
 * user's newest link of its kind (issuing one deletes the unused older ones). Redeeming it sets
 * the password, ends every other session of the user, clears the lockout and signs the user in,
 * in one transaction.
 */
import { type CoreContext, commit } from '../context.js';
import { notFound, TesseraError } from '../errors.js';
import { hashSecret, randomSecret, uuidv7 } from '../ids.js';
import type { Actor, User } from '../model.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';
import type { AccountLink, AccountSession, LinkPurpose } from './ports.js';
import { type SessionPolicy, startSession } from './sessions.js';
import { throttleKey } from './throttle.js';

export const LINK_PATHS: Record<LinkPurpose, string> = { activate: '/activate', reset: '/reset' };

export const INVALID_LINK_MESSAGE =
  'This link is invalid, was already used, or has expired. Ask for a new one.';

export interface IssuedLink {
  id: string;
  userId: string;
  purpose: LinkPurpose;
  /** The full link with the code; shown once. */
  url: string;
  expiresAt: Date;
  user: User;
}

/** Issues a link for `userId` (which must exist and be active); audited as `user.invited` or `user.password_reset_issued`. */
export async function issueLink(
  ctx: CoreContext,
  input: {
    userId: string;
    purpose: LinkPurpose;
    lifetimeMs: number;
    baseUrl: string;
    actor: Actor;
    delivery: 'mail' | 'link';
  },
): Promise<IssuedLink> {
  const code = randomSecret();
  return commit(ctx, async (tx, now) => {
    const user = await tx.getUser(input.userId);
    if (!user) throw notFound('user', input.userId);
    if (!user.active) {
      throw new TesseraError(
        'ERR_CONFLICT',
        `user ${JSON.stringify(user.userName)} is disabled; enable it first`,
        {
          detail: { field: 'active' },
        },
      );
    }
    const replaced = await tx.deleteAccountLinks(user.id, input.purpose);
    const link: AccountLink = {
      id: uuidv7(now.getTime()),
      userId: user.id,
      purpose: input.purpose,
      codeHash: hashSecret(code),
      createdAt: now,
      expiresAt: new Date(now.getTime() + input.lifetimeMs),
      usedAt: null,
    };
    await tx.insertAccountLink(link);
    const url = new URL(LINK_PATHS[input.purpose], `${input.baseUrl}/`);
    url.searchParams.set('code', code);
    return {
      result: {
        id: link.id,
        userId: user.id,
        purpose: input.purpose,
        url: url.toString(),
        expiresAt: link.expiresAt,
        user,
      },
      changes: [
        {
          actor: input.actor,
          action: input.purpose === 'activate' ? 'user.invited' : 'user.password_reset_issued',
          targetType: 'user',
          targetId: user.id,
          summary: {
            linkId: link.id,
            expiresAt: link.expiresAt.toISOString(),
            delivery: input.delivery,
            replaced,
          },
        },
      ],
    };
  });
}

/** The link a code names while it can still be redeemed (unused, unexpired, user active), else undefined. */
export async function findUsableLink(
  ctx: CoreContext,
  code: unknown,
  purpose: LinkPurpose,
): Promise<{ link: AccountLink; user: User } | undefined> {
  if (typeof code !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(code)) return undefined;
  const link = await ctx.store.getAccountLinkByHash(hashSecret(code));
  if (!link || link.purpose !== purpose || link.usedAt || link.expiresAt <= ctx.clock.now()) return undefined;
  const user = await ctx.store.getUser(link.userId);
  return user?.active ? { link, user } : undefined;
}

export interface Redeemed {
  user: User;
  session: AccountSession;
  secret: string;
}

/**
 * Sets the password through a link and signs the user in. Throws ERR_VALIDATION (password
 * policy, field `password`) or ERR_INVALID_GRANT (link unusable; INVALID_LINK_MESSAGE).
 */
export async function redeemLink(
  ctx: CoreContext,
  input: {
    code: unknown;
    purpose: LinkPurpose;
    password: string;
    sourceIp: string | null;
    session: SessionPolicy;
  },
): Promise<Redeemed> {
  const found = await findUsableLink(ctx, input.code, input.purpose);
  if (!found) throw new TesseraError('ERR_INVALID_GRANT', INVALID_LINK_MESSAGE);
  checkPasswordPolicy(input.password, found.user);
  // Hashing takes ~100 ms: done before the transaction, which then only writes.
  const hash = await hashPassword(input.password);
  return commit(ctx, async (tx, now) => {
    if (found.link.expiresAt <= now || !(await tx.useAccountLink(found.link.id, now))) {
      throw new TesseraError('ERR_INVALID_GRANT', INVALID_LINK_MESSAGE);
    }
    const user = await tx.getUser(found.user.id);
    if (!user?.active) throw new TesseraError('ERR_INVALID_GRANT', INVALID_LINK_MESSAGE);
    await tx.setPasswordHash(user.id, hash, now);
    const ended = await tx.deleteUserAccountSessions(user.id);
    await tx.deleteLoginThrottle(throttleKey(user.id, user.userName));
    const started = await startSession(tx, { userId: user.id, now, policy: input.session });
    return {
      result: { user, ...started },
      changes: [
        {
          actor: { type: 'user', id: user.id, sourceIp: input.sourceIp },
          action: input.purpose === 'activate' ? 'user.activated' : 'user.password_reset',
          targetType: 'user',
          targetId: user.id,
          summary: { linkId: found.link.id, sessionId: started.session.id, sessionsEnded: ended },
        },
      ],
    };
  });
}
