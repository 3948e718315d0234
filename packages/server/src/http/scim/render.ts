/** Sending SCIM resources: `application/scim+json`, `ETag`, projection, ListResponse (RFC 7644 §3.4.2). */
import type { FastifyReply } from 'fastify';
import type { Group, User } from '../../core/model.js';
import type { GroupRef } from '../../core/ports.js';
import { renderGroup, renderMember } from '../../scim/resources/group.js';
import type { Json } from '../../scim/resources/normalize.js';
import { excludes, type Projection, project } from '../../scim/resources/projection.js';
import { renderUser } from '../../scim/resources/user.js';
import { LIST_RESPONSE } from '../../scim/schema/urns.js';
import { SCIM_CONTENT_TYPE } from './errors.js';
import { etagOf } from './etag.js';
import type { ScimAnswer, ScimDeps } from './request.js';

export function sendResource(
  reply: FastifyReply,
  status: number,
  body: Json,
  version?: number,
): FastifyReply {
  if (version !== undefined) reply.header('ETag', etagOf(version));
  return reply.code(status).type(SCIM_CONTENT_TYPE).send(body);
}

/** Users as SCIM resources, their `groups` read in one query unless projected out. */
export async function renderUsers(
  deps: ScimDeps,
  users: readonly User[],
  projection: Projection,
): Promise<Json[]> {
  const refs =
    excludes(projection, 'groups') || users.length === 0
      ? []
      : await deps.ctx.store.listGroupRefs(users.map((u) => u.id));
  const byUser = new Map<string, GroupRef[]>();
  for (const ref of refs) byUser.set(ref.userId, [...(byUser.get(ref.userId) ?? []), ref]);
  return users.map((user) => project(renderUser(user, byUser.get(user.id) ?? [], deps), projection));
}

/** Members are read page by page (ids and names only), and not at all when projected out. */
const MEMBER_PAGE = 1000;

export async function renderGroups(
  deps: ScimDeps,
  groups: readonly Group[],
  projection: Projection,
): Promise<Json[]> {
  const out: Json[] = [];
  for (const group of groups) {
    let members: Json[] | undefined;
    if (!excludes(projection, 'members')) {
      members = [];
      for (let cursor: string | null = null; ; ) {
        const page = await deps.ctx.store.listMemberRefs(group.id, { limit: MEMBER_PAGE, cursor });
        for (const member of page.items) members.push(renderMember(member, deps));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
    }
    out.push(project(renderGroup(group, members, deps), projection));
  }
  return out;
}

export function listResponse(resources: Json[], total: number, startIndex: number): Json {
  return {
    schemas: [LIST_RESPONSE],
    totalResults: total,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}

/** Whether the request asked for the resource back (RFC 7644 §3.5.2: else a PATCH answers 204). */
export const asksForResource = (projection: Projection): boolean =>
  projection.attributes !== undefined || projection.excludedAttributes !== undefined;

/**
 * The answer of a write that returns the user: 201 (created) or 200 with the resource rendered
 * when asked for, or 204 without a body (a PATCH whose client asked for none). Location and ETag always.
 */
export const userAnswer = (deps: ScimDeps, user: User, projection: Projection, status: number): ScimAnswer =>
  answer(status, user, `${deps.baseUrl}/Users/${user.id}`, async () => {
    return (await renderUsers(deps, [user], projection))[0] ?? {};
  });

/** userAnswer for a group. */
export const groupAnswer = (
  deps: ScimDeps,
  group: Group,
  projection: Projection,
  status: number,
): ScimAnswer =>
  answer(status, group, `${deps.baseUrl}/Groups/${group.id}`, async () => {
    return (await renderGroups(deps, [group], projection))[0] ?? {};
  });

function answer(
  status: number,
  resource: { id: string; version: number },
  location: string,
  render: () => Promise<Json>,
): ScimAnswer {
  const base = { status, id: resource.id, version: resource.version, location };
  return status === 204 ? base : { ...base, render };
}
