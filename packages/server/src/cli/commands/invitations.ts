/**
 * `tessera user invite <user>` and `tessera user reset-password <user>`: a one-time activation or
 * password-reset link (docs/accounts.md). Mailed when SMTP is configured and the user has an
 * address; otherwise printed, for the admin to pass on (it works once, until it expires).
 */
import type { AccountLinkDelivery } from '../backend.js';
import type { Command, CommandContext } from '../command.js';
import { resolveUser } from './shared.js';

async function send(ctx: CommandContext, purpose: 'activate' | 'reset'): Promise<number> {
  const b = await ctx.backend();
  const id = await resolveUser(b, ctx.args.positionals[0] ?? '');
  const done: AccountLinkDelivery = await b.sendAccountLink(id, purpose);
  ctx.out.record(
    [
      ['user', done.userId],
      ['expires', done.expiresAt.toISOString()],
      done.delivery === 'mail' ? ['mailed to', done.mailedTo] : ['link', done.link],
    ],
    { ...done, expiresAt: done.expiresAt.toISOString() },
  );
  return 0;
}

export const invite: Command = {
  name: 'invite',
  summary: 'invite the user: a one-time activation link (mailed with SMTP configured, else printed)',
  args: ['<user>'],
  details:
    'The link lets the user choose a password once, until it expires (TESSERA_INVITATION_LIFETIME, default 72h).\nA newer invitation replaces the older one.',
  run: (ctx) => send(ctx, 'activate'),
};

export const resetPassword: Command = {
  name: 'reset-password',
  summary: 'a one-time password-reset link for the user (mailed with SMTP configured, else printed)',
  args: ['<user>'],
  details:
    "Using the link sets a new password and ends the user's other sessions. It works once, until it expires (TESSERA_PASSWORD_RESET_LIFETIME, default 1h).",
  run: (ctx) => send(ctx, 'reset'),
};
