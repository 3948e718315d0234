import type { FastifyInstance } from 'fastify';
import { type ListRequest, readListQuery, readSearchRequest } from '../../../scim/resources/list-request.js';
import { listResponse, renderGroups, sendResource } from '../render.js';
import { endpoints, queryOf, type ScimDeps } from '../request.js';

/** GET /Groups and POST /Groups/.search (RFC 7644 §3.4.2, §3.4.3). */
export function listGroupsRoute(app: FastifyInstance, deps: ScimDeps): void {
  const list = async (query: ListRequest) => {
    const { total, items } = await deps.ctx.store.searchGroups({
      ...(query.filter === undefined ? {} : { filter: query.filter }),
      ...(query.sortBy === undefined ? {} : { sortBy: query.sortBy }),
      descending: query.descending,
      offset: query.startIndex - 1,
      limit: query.count,
    });
    return listResponse(await renderGroups(deps, items, query), total, query.startIndex);
  };
  for (const url of endpoints('/Groups', '/Groups/')) {
    app.get(url, async (request, reply) =>
      sendResource(reply, 200, await list(readListQuery(queryOf(request)))),
    );
  }
  for (const url of endpoints('/Groups/.search'))
    app.post(url, async (request, reply) =>
      sendResource(reply, 200, await list(readSearchRequest(request.body))),
    );
}
