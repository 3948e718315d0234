import type { FastifyInstance } from 'fastify';
import { isTesseraError } from '../../core/errors.js';
import { type ListRequest, readSearchRequest } from '../../scim/resources/list-request.js';
import { listResponse, renderGroups, renderUsers, sendResource } from './render.js';
import { endpoints, type ScimDeps } from './request.js';

/**
 * POST /.search at the root (RFC 7644 §3.4.3): Users, then Groups, as one list. A filter that one
 * resource type cannot evaluate (an attribute only the other has) matches none of that type;
 * one neither can evaluate is the error it is for Users. `sortBy` sorts within each type.
 */
export function rootSearchRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/.search'))
    app.post(url, async (request, reply) => {
      const query = readSearchRequest(request.body);
      const search = {
        ...(query.filter === undefined ? {} : { filter: query.filter }),
        ...(query.sortBy === undefined ? {} : { sortBy: query.sortBy }),
        descending: query.descending,
      };
      const offset = query.startIndex - 1;
      const users = await orNone(deps.ctx.store.searchUsers({ ...search, offset, limit: query.count }));
      const groupOffset = Math.max(0, offset - (users.ok ? users.total : 0));
      const groupLimit = query.count - (users.ok ? users.items.length : 0);
      const groups = await orNone(
        deps.ctx.store.searchGroups({ ...search, offset: groupOffset, limit: groupLimit }),
      );
      if (!users.ok && !groups.ok) throw users.error;
      const resources = [
        ...(users.ok ? await renderUsers(deps, users.items, query as ListRequest) : []),
        ...(groups.ok ? await renderGroups(deps, groups.items, query) : []),
      ];
      const total = (users.ok ? users.total : 0) + (groups.ok ? groups.total : 0);
      return sendResource(reply, 200, listResponse(resources, total, query.startIndex));
    });
}

type Outcome<T> = ({ ok: true } & { total: number; items: T[] }) | { ok: false; error: unknown };

/** A search whose filter or sortBy this resource type cannot evaluate counts as matching nothing. */
async function orNone<T>(search: Promise<{ total: number; items: T[] }>): Promise<Outcome<T>> {
  try {
    return { ok: true, ...(await search) };
  } catch (error) {
    if (isTesseraError(error) && error.status === 400) return { ok: false, error };
    throw error;
  }
}
