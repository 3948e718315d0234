import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { revokeToken, revokeUserTokens } from '../../core/revocations.js';
import { actorOf } from './request.js';
import { idParams, str } from './schemas.js';

const revokedUser = {
  type: 'object',
  properties: {
    userId: str(),
    before: { type: 'string', format: 'date-time' },
    refreshFamiliesRevoked: { type: 'integer' },
  },
} as const;
const revokedToken = {
  type: 'object',
  properties: { jti: str(), expiresAt: { type: 'string', format: 'date-time' } },
} as const;

export function revocationRoutes(app: FastifyInstance, ctx: CoreContext, maxTokenLifetimeMs: number) {
  const tags = ['revocation'];
  app.post<{ Params: { id: string }; Body: { before?: string } | undefined }>(
    '/users/:id/revoke-tokens',
    {
      schema: {
        tags,
        summary:
          'Revoke every token of the user issued before `before` (default: now), on every verifier, and the refresh tokens of every sign-in before it',
        params: idParams,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { before: { type: 'string', format: 'date-time' } },
        },
        response: { 200: revokedUser },
      },
    },
    async (request) => {
      const before = request.body?.before;
      return revokeUserTokens(
        ctx,
        actorOf(request),
        request.params.id,
        before ? { before: new Date(before) } : {},
      );
    },
  );

  app.post<{ Body: { jti: string; exp?: number } }>(
    '/tokens/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke one access token by its jti (give its exp, if known, so verifiers forget it sooner)',
        body: {
          type: 'object',
          required: ['jti'],
          additionalProperties: false,
          properties: { jti: str(128), exp: { type: 'integer', minimum: 0, maximum: 32503680000 } },
        },
        response: { 200: revokedToken },
      },
    },
    async (request) => {
      const { jti, exp } = request.body;
      return revokeToken(
        ctx,
        actorOf(request),
        exp === undefined ? { jti } : { jti, expiresAt: new Date(exp * 1000) },
        maxTokenLifetimeMs,
      );
    },
  );
}
