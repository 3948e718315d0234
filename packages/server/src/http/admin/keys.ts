import type { FastifyInstance } from 'fastify';
import type { Actor, KeyAlgorithm } from '../../core/model.js';
import { KEY_ALGORITHMS } from '../../core/model.js';
import { actorOf } from './request.js';

/** The slice of the key ring the admin API uses. */
export interface KeyAdmin {
  list(): Promise<unknown[]>;
  rotate(actor: Actor, options?: { algorithm?: KeyAlgorithm; immediate?: boolean }): Promise<unknown>;
  revoke(actor: Actor, kid: string): Promise<void>;
}

export function keyRoutes(app: FastifyInstance, keys: KeyAdmin) {
  const tags = ['keys'];
  app.get(
    '/keys',
    { schema: { tags, summary: 'Signing keys and their states (public parts only)' } },
    async () => ({ items: await keys.list() }),
  );
  app.post<{ Body: { algorithm?: KeyAlgorithm; immediate?: boolean } | undefined }>(
    '/keys/rotate',
    {
      schema: {
        tags,
        summary: 'Force a rotation: publish a new key now',
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { algorithm: { enum: KEY_ALGORITHMS }, immediate: { type: 'boolean' } },
        },
      },
    },
    async (request) => ({ key: await keys.rotate(actorOf(request), request.body ?? {}) }),
  );

  app.post<{ Params: { kid: string } }>(
    '/keys/:kid/revoke',
    {
      schema: {
        tags,
        summary: 'Withdraw a key at once: it leaves the JWKS and every verifier refuses its tokens',
        params: {
          type: 'object',
          required: ['kid'],
          additionalProperties: false,
          properties: { kid: { type: 'string', maxLength: 64 } },
        },
      },
    },
    async (request) => {
      await keys.revoke(actorOf(request), request.params.kid);
      return { kid: request.params.kid, revoked: true };
    },
  );
}
