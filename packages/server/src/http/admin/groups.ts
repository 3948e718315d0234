import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import {
  changeMembers,
  createGroup,
  deleteGroup,
  type GroupInput,
  getGroup,
  listGroupMembers,
  listGroups,
  MAX_MEMBER_CHANGE,
  updateGroup,
} from '../../core/groups/service.js';
import { changeGrant } from '../../core/roles/grants.js';
import { ifMatch, setEtag } from './etag.js';
import { actorOf, pageOptions } from './request.js';
import {
  grantResult,
  groupSchema,
  idParams,
  idRoleParams,
  nullableStr,
  pageOf,
  pageQuery,
  roleSchema,
  str,
} from './schemas.js';

type Id = { Params: { id: string } };
const groupInput = { displayName: str(), externalId: nullableStr() } as const;

export function groupRoutes(app: FastifyInstance, ctx: CoreContext) {
  const tags = ['groups'];
  app.get<{ Querystring: { limit?: string; cursor?: string; displayName?: string; externalId?: string } }>(
    '/groups',
    {
      schema: {
        tags,
        summary: 'List groups',
        querystring: pageQuery({ displayName: str(), externalId: str() }),
        response: { 200: pageOf(groupSchema) },
      },
    },
    async (request) => {
      const { displayName, externalId } = request.query;
      return listGroups(ctx, {
        ...pageOptions(request.query),
        filter: {
          ...(displayName === undefined ? {} : { displayName }),
          ...(externalId === undefined ? {} : { externalId }),
        },
      });
    },
  );

  app.post<{ Body: GroupInput }>(
    '/groups',
    {
      schema: {
        tags,
        summary: 'Create a group',
        body: {
          type: 'object',
          required: ['displayName'],
          additionalProperties: false,
          properties: groupInput,
        },
        response: { 201: groupSchema },
      },
    },
    async (request, reply) => {
      const group = await createGroup(ctx, actorOf(request), request.body);
      setEtag(reply, group.version).header('Location', `/admin/v1/groups/${group.id}`).code(201);
      return group;
    },
  );

  app.get<Id>(
    '/groups/:id',
    { schema: { tags, summary: 'Read a group', params: idParams, response: { 200: groupSchema } } },
    async (request, reply) => {
      const group = await getGroup(ctx, request.params.id);
      setEtag(reply, group.version);
      return group;
    },
  );

  app.patch<Id & { Body: Partial<GroupInput> }>(
    '/groups/:id',
    {
      schema: {
        tags,
        summary: 'Change a group (If-Match supported)',
        params: idParams,
        body: { type: 'object', minProperties: 1, additionalProperties: false, properties: groupInput },
        response: { 200: groupSchema },
      },
    },
    async (request, reply) => {
      const group = await updateGroup(ctx, actorOf(request), request.params.id, request.body, {
        ifVersion: ifMatch(request),
      });
      setEtag(reply, group.version);
      return group;
    },
  );

  app.delete<Id>(
    '/groups/:id',
    { schema: { tags, summary: 'Delete a group', params: idParams } },
    async (request, reply) => {
      await deleteGroup(ctx, actorOf(request), request.params.id, { ifVersion: ifMatch(request) });
      return reply.code(204).send();
    },
  );

  app.get<Id & { Querystring: { limit?: string; cursor?: string } }>(
    '/groups/:id/members',
    {
      schema: {
        tags,
        summary: 'Member user ids',
        params: idParams,
        querystring: pageQuery(),
        response: { 200: pageOf(str()) },
      },
    },
    async (request) => listGroupMembers(ctx, request.params.id, pageOptions(request.query)),
  );

  const members = { type: 'array', minItems: 1, maxItems: MAX_MEMBER_CHANGE, items: str(128) } as const;
  app.post<Id & { Body: { add?: string[]; remove?: string[] } }>(
    '/groups/:id/members',
    {
      schema: {
        tags,
        summary: `Add and/or remove members (user ids; up to ${MAX_MEMBER_CHANGE} each)`,
        params: idParams,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: { add: members, remove: members },
        },
        response: {
          200: {
            type: 'object',
            properties: { added: { type: 'array', items: str() }, removed: { type: 'array', items: str() } },
          },
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const added = request.body.add
        ? await changeMembers(ctx, actor, request.params.id, 'add', request.body.add)
        : [];
      const removed = request.body.remove
        ? await changeMembers(ctx, actor, request.params.id, 'remove', request.body.remove)
        : [];
      return { added, removed };
    },
  );

  app.get<Id>(
    '/groups/:id/roles',
    {
      schema: {
        tags,
        summary: 'Roles bound to the group',
        params: idParams,
        response: { 200: { type: 'array', items: roleSchema } },
      },
    },
    async (request) => {
      await getGroup(ctx, request.params.id);
      return ctx.store.listGroupRoles(request.params.id);
    },
  );

  for (const [method, operation] of [
    ['put', 'grant'],
    ['delete', 'revoke'],
  ] as const) {
    app[method]<{ Params: { id: string; role: string } }>(
      '/groups/:id/roles/:role',
      {
        schema: {
          tags,
          summary: `${operation === 'grant' ? 'Bind' : 'Unbind'} a role (members gain or lose it)`,
          params: idRoleParams,
          response: { 200: grantResult },
        },
      },
      async (request) => {
        const { changed, role } = await changeGrant(
          ctx,
          actorOf(request),
          operation,
          { type: 'group', id: request.params.id },
          request.params.role,
        );
        return { changed, role: role.name };
      },
    );
  }
}
