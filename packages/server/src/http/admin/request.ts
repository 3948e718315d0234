import type {} from '@fastify/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../core/model.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling the admin API, set by the auth hook. */
    actor: Actor;
  }
}

export const actorOf = (request: FastifyRequest): Actor => request.actor;

export function pageOptions(query: { limit?: string; cursor?: string }): {
  limit: number;
  cursor: string | null;
} {
  return { limit: query.limit === undefined ? 50 : Number(query.limit), cursor: query.cursor ?? null };
}
