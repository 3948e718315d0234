/**
 * Getting a link to its person: by mail when a mailer is configured and the user has an email
 * address, otherwise handed back to the admin who asked (the API response, the CLI output).
 * A mailed link is never handed back: whoever asked sees only that it was mailed.
 */
import type { CoreContext } from '../context.js';
import { TesseraError } from '../errors.js';
import type { Actor, User } from '../model.js';
import { issueLink } from './links.js';
import { findAccount } from './login.js';
import type { MailMessage } from './mailer.js';
import type { LinkPurpose } from './ports.js';
import type { AccountSettings } from './settings.js';
import { lockedUntil } from './throttle.js';

const RESET_MAIL_INTERVAL_MS = 60_000;

export interface Delivery {
  userId: string;
  purpose: LinkPurpose;
  expiresAt: Date;
  /** `mail`: sent to `mailedTo`; `link`: `url` is the link, for the admin to pass on. */
  delivery: 'mail' | 'link';
  mailedTo?: string;
  url?: string;
}

export function emailOf(user: User): string | undefined {
  return (user.emails.find((e) => e.primary) ?? user.emails[0])?.value;
}

export async function deliverLink(
  ctx: CoreContext,
  settings: AccountSettings,
  input: { userId: string; purpose: LinkPurpose; actor: Actor },
): Promise<Delivery> {
  const user = await ctx.store.getUser(input.userId);
  const to = user && settings.mailer ? emailOf(user) : undefined;
  const delivery = to ? 'mail' : 'link';
  const issued = await issueLink(ctx, {
    userId: input.userId,
    purpose: input.purpose,
    lifetimeMs:
      input.purpose === 'activate' ? settings.invitationLifetimeMs : settings.passwordResetLifetimeMs,
    baseUrl: settings.baseUrl,
    actor: input.actor,
    delivery,
  });
  const base = { userId: issued.userId, purpose: issued.purpose, expiresAt: issued.expiresAt };
  if (!to || !settings.mailer) return { ...base, delivery: 'link', url: issued.url };
  try {
    await settings.mailer.send(message(issued.user, to, issued.purpose, issued.url, issued.expiresAt));
  } catch (err) {
    throw new TesseraError('ERR_INTERNAL', 'the mail could not be sent; check TESSERA_SMTP_URL', {
      cause: err,
    });
  }
  return { ...base, delivery: 'mail', mailedTo: to };
}

/**
 * The self-service reset request of the /reset page: mails a link when the name or address
 * belongs to an active user with an email address and a mailer is configured; otherwise does
 * nothing. The caller answers the same in every case and does not wait for this.
 */
export async function requestPasswordReset(
  ctx: CoreContext,
  settings: AccountSettings,
  typed: string,
  sourceIp: string | null,
): Promise<boolean> {
  if (!settings.mailer) return false;
  const user = await findAccount(ctx.store, typed);
  if (!user?.active || !emailOf(user)) return false;
  // At most one self-service mail per account per minute: the form is no way to flood an inbox.
  const key = `reset-mail:${user.id}`;
  const now = ctx.clock.now();
  if (await lockedUntil(ctx.store, key, now)) return false;
  await ctx.store.putLoginThrottle({
    key,
    failures: 0,
    locks: 0,
    lockedUntil: new Date(now.getTime() + RESET_MAIL_INTERVAL_MS),
    updatedAt: now,
  });
  await deliverLink(ctx, settings, {
    userId: user.id,
    purpose: 'reset',
    actor: { type: 'system', id: 'reset-request', sourceIp },
  });
  return true;
}

function message(user: User, to: string, purpose: LinkPurpose, url: string, expiresAt: Date): MailMessage {
  const name = user.displayName ?? user.name.givenName ?? user.userName;
  const until = expiresAt.toISOString().replace('T', ' ').slice(0, 16);
  if (purpose === 'activate') {
    return {
      to,
      subject: 'Your Tessera account',
      text: `Hello ${name},\n\nAn account was created for you (user name: ${user.userName}).\nChoose your password here:\n\n${url}\n\nThe link works once, until ${until} UTC.\nIf you did not expect this, ignore this mail.\n`,
    };
  }
  return {
    to,
    subject: 'Reset your Tessera password',
    text: `Hello ${name},\n\nSomeone asked to reset the password of ${user.userName}.\nChoose a new password here:\n\n${url}\n\nThe link works once, until ${until} UTC. Using it signs you out everywhere else.\nIf you did not ask for this, ignore this mail: your password stays as it is.\n`,
  };
}
