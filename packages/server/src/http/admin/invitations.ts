/**
 * `POST /admin/v1/users/{id}/invitations` and `POST /admin/v1/users/{id}/password-resets`: a
 * one-time link (activation or reset, docs/accounts.md). With SMTP configured and an email
 * address on the user, the link is mailed and the response only says so; otherwise the response
 * carries the link for the admin to pass on. Either way a newer link replaces the user's older
 * unused one of the same kind.
 */
import type { FastifyInstance } from 'fastify';
import { deliverLink } from '../../core/accounts/deliver.js';
import type { LinkPurpose } from '../../core/accounts/ports.js';
import type { AccountSettings } from '../../core/accounts/settings.js';
import type { CoreContext } from '../../core/context.js';
import { actorOf } from './request.js';
import { idParams, str } from './schemas.js';

const deliverySchema = {
  type: 'object',
  required: ['userId', 'purpose', 'expiresAt', 'delivery'],
  properties: {
    userId: str(128),
    purpose: { type: 'string', enum: ['activate', 'reset'] },
    expiresAt: { type: 'string', format: 'date-time' },
    delivery: {
      type: 'string',
      enum: ['mail', 'link'],
      description: '`mail`: sent to `mailedTo`, no link here; `link`: pass `link` on to the user yourself.',
    },
    mailedTo: str(254),
    link: { ...str(4096), description: 'The one-time link; only when it was not mailed.' },
  },
} as const;

export function invitationRoutes(app: FastifyInstance, ctx: CoreContext, settings: AccountSettings) {
  const route = (path: string, purpose: LinkPurpose, summary: string) =>
    app.post<{ Params: { id: string } }>(
      path,
      { schema: { tags: ['users'], summary, params: idParams, response: { 201: deliverySchema } } },
      async (request, reply) => {
        const done = await deliverLink(ctx, settings, {
          userId: request.params.id,
          purpose,
          actor: actorOf(request),
        });
        reply.code(201).header('Cache-Control', 'no-store');
        return {
          userId: done.userId,
          purpose: done.purpose,
          expiresAt: done.expiresAt.toISOString(),
          delivery: done.delivery,
          ...(done.mailedTo ? { mailedTo: done.mailedTo } : {}),
          ...(done.url ? { link: done.url } : {}),
        };
      },
    );
  route(
    '/users/:id/invitations',
    'activate',
    'Invite the user: a one-time activation link (mailed when SMTP is configured, else returned)',
  );
  route(
    '/users/:id/password-resets',
    'reset',
    'A one-time password-reset link (mailed when SMTP is configured, else returned)',
  );
}
