import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { isTesseraError } from '../../core/errors.js';
import type { Actor } from '../../core/model.js';
import type { Json } from '../../scim/resources/normalize.js';
import { lookup } from '../../scim/resources/normalize.js';
import { type Projection, readAttributeList } from '../../scim/resources/projection.js';
import type { RenderContext } from '../../scim/resources/user.js';
import { SCIM_CONTENT_TYPE } from './errors.js';
import { etagOf } from './etag.js';

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
 * One write or read of a single resource, as its route or a Bulk operation (RFC 7644 §3.7) asks
 * for it: the operation files export a function of this and answer a ScimAnswer, so Bulk calls
 * the same code as the route, with no request of its own.
 */
export interface ScimCall {
  actor: Actor;
  /** The resource's id, from the path. */
  id: string;
  body: unknown;
  /** `If-Match`, or a Bulk operation's `version`. */
  ifMatch: string | undefined;
  projection: Projection;
}

export interface ScimAnswer {
  status: number;
  /** The resource's version, sent as the ETag. */
  version?: number;
  location?: string;
  /** The resource's id (a created one's, for Bulk's bulkId references). */
  id?: string;
  /** The resource as the response body, rendered only when asked for (Bulk does not). */
  render?: () => Promise<Json>;
}

export function callOf(request: FastifyRequest): ScimCall {
  const params = request.params as { id?: string } | undefined;
  return {
    actor: request.scimActor,
    id: params?.id ?? '',
    body: request.body,
    ifMatch: request.headers['if-match'],
    projection: projectionOf(request),
  };
}

/** Sends an operation's answer: status, `ETag`, `Location`, and the resource if it has one. */
export async function reply(to: FastifyReply, answer: ScimAnswer): Promise<FastifyReply> {
  if (answer.version !== undefined) to.header('ETag', etagOf(answer.version));
  if (answer.location !== undefined) to.header('Location', answer.location);
  to.code(answer.status);
  if (answer.render === undefined) return to.send();
  return to.type(SCIM_CONTENT_TYPE).send(await answer.render());
}

/**
 * Runs a read-modify-write (PATCH). Without `If-Match`, a write that lost a race with another
 * one is retried on the new version, as the client asked for the change, not for a version.
 */
export async function withRetry<T>(ifMatch: string | undefined, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      const lost = isTesseraError(err) && err.code === 'ERR_PRECONDITION_FAILED';
      if (!lost || ifMatch !== undefined || tries >= 3) throw err;
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
