import type { FastifyRequest } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { isTesseraError } from '../../core/errors.js';
import type { Actor } from '../../core/model.js';
import { lookup } from '../../scim/resources/normalize.js';
import { type Projection, readAttributeList } from '../../scim/resources/projection.js';
import type { RenderContext } from '../../scim/resources/user.js';
import { hasIfMatch } from './etag.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The identity provider's client calling the SCIM API, set by the auth hook. */
    scimActor: Actor;
  }
}

/** How SCIM writes users: any email value (RFC 7643 §4.1.2 says SHOULD be an address). */
export const SCIM_USER_INPUT = { anyEmailValue: true } as const;

/**
 * The paths a route answers on: as RFC 7644 spells them and in lower case (Microsoft's test
 * collection for Entra ID asks for `/users`).
 */
export const endpoints = (...paths: string[]): string[] => [
  ...new Set(paths.flatMap((p) => [p, p.toLowerCase()])),
];

/** What every SCIM route works with. */
export interface ScimDeps extends RenderContext {
  ctx: CoreContext;
}

export const scimActorOf = (request: FastifyRequest): Actor => request.scimActor;

/** Query parameters as a plain record (Fastify's is a null-prototype object). */
export const queryOf = (request: FastifyRequest): Record<string, unknown> => ({
  ...(request.query as Record<string, unknown>),
});

/**
 * Runs a read-modify-write (PATCH). Without `If-Match`, a write that lost a race with another
 * one is retried on the new version, as the client asked for the change, not for a version.
 */
export async function withRetry<T>(request: FastifyRequest, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      const lost = isTesseraError(err) && err.code === 'ERR_PRECONDITION_FAILED';
      if (!lost || hasIfMatch(request) || tries >= 3) throw err;
    }
  }
}

/** `attributes` / `excludedAttributes` of a request on one resource (RFC 7644 §3.9). */
export function projectionOf(request: FastifyRequest): Projection {
  const query = queryOf(request);
  const attributes = readAttributeList(lookup(query, 'attributes'), 'attributes');
  const excludedAttributes = readAttributeList(lookup(query, 'excludedAttributes'), 'excludedAttributes');
  return {
    ...(attributes === undefined ? {} : { attributes }),
    ...(excludedAttributes === undefined ? {} : { excludedAttributes }),
  };
}
