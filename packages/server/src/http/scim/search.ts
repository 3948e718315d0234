import type { FastifyInstance } from 'fastify';
import { isTesseraError } from '../../core/errors.js';
import type { ResourceQuery } from '../../core/ports.js';
import { type ListRequest, readSearchRequest } from '../../scim/resources/list-request.js';
import { listResponse, renderGroups, renderUsers, sendResource } from './render.js';
import { endpoints, type ScimDeps } from './request.js';

/**
 * POST /.search at the root (RFC 7644 §3.4.3): Users, then Groups, as one list. A filter that one
 * resource type cannot evaluate (an attribute only the other has) matches none of that type;
 * one neither can evaluate is the error it is for Users. `sortBy` sorts within each type that
 * has the attribute.
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
      const users = await orNone((q) => deps.ctx.store.searchUsers(q), {
        ...search,
        offset,
        limit: query.count,
      });
      const groupOffset = Math.max(0, offset - (users.ok ? users.total : 0));
      const groupLimit = query.count - (users.ok ? users.items.length : 0);
      const groups = await orNone((q) => deps.ctx.store.searchGroups(q), {
        ...search,
        offset: groupOffset,
        limit: groupLimit,
      });
      if (!users.ok && !groups.ok) throw users.error;
      if (users.ok && groups.ok && users.unsorted && groups.unsorted) throw users.unsorted;
      const resources = [
        ...(users.ok ? await renderUsers(deps, users.items, query as ListRequest) : []),
        ...(groups.ok ? await renderGroups(deps, groups.items, query) : []),
      ];
      const total = (users.ok ? users.total : 0) + (groups.ok ? groups.total : 0);
      return sendResource(reply, 200, listResponse(resources, total, query.startIndex));
    });
}

type Outcome<T> = { ok: true; total: number; items: T[]; unsorted?: unknown } | { ok: false; error: unknown };

const isBadRequest = (error: unknown) => isTesseraError(error) && error.status === 400;

/**
 * A search whose filter this resource type cannot evaluate counts as matching nothing. A sortBy
 * only the other type has (userName) leaves this type in its own order, as if the attribute were
 * unassigned on all of it (RFC 7644 §3.4.2.3 sorts unassigned values last); `unsorted` keeps the
 * error for when neither type can sort.
 */
async function orNone<T>(
  search: (query: ResourceQuery) => Promise<{ total: number; items: T[] }>,
  query: ResourceQuery,
): Promise<Outcome<T>> {
  try {
    return { ok: true, ...(await search(query)) };
  } catch (error) {
    if (!isBadRequest(error)) throw error;
    if (query.sortBy === undefined || !isTesseraError(error) || error.scimType !== 'invalidValue')
      return { ok: false, error };
    const { sortBy: _sortBy, ...unsorted } = query;
    const outcome = await orNone(search, unsorted);
    return outcome.ok ? { ...outcome, unsorted: error } : outcome;
  }
}
