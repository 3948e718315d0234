import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { issueUserToken, type UserTokenSettings } from '../../core/tokens/user-token.js';
import { actorOf } from './request.js';
import { idParams, str } from './schemas.js';

export function userTokenRoutes(app: FastifyInstance, ctx: CoreContext, settings: UserTokenSettings) {
  app.post<{ Params: { id: string }; Body: { audience: string } }>(
    '/users/:id/tokens',
    {
      schema: {
        tags: ['users'],
        summary:
          'Mint an access token for the user and one application (audited: its holder acts as the user)',
        params: idParams,
        body: {
          type: 'object',
          required: ['audience'],
          additionalProperties: false,
          properties: { audience: str(2048) },
        },
        response: {
          200: {
            type: 'object',
            properties: { access_token: str(16_384), token_type: str(), expires_in: { type: 'integer' } },
          },
        },
      },
    },
    async (request, reply) => {
      const issued = await issueUserToken(
        ctx,
        settings,
        actorOf(request),
        request.params.id,
        request.body.audience,
      );
      reply.header('Cache-Control', 'no-store');
      return { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn };
    },
  );
}
