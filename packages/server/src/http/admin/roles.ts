import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import {
  createRole,
  deleteRole,
  getRole,
  listRoles,
  type RoleInput,
  updateRole,
} from '../../core/roles/service.js';
import { ifMatch, setEtag } from './etag.js';
import { actorOf, pageOptions } from './request.js';
import { idParams, nullableStr, pageOf, pageQuery, roleSchema, str } from './schemas.js';

type Id = { Params: { id: string } };
const permissions = { type: 'array', maxItems: 1000, items: str(130) } as const;

export function roleRoutes(app: FastifyInstance, ctx: CoreContext) {
  const tags = ['roles'];
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/roles',
    {
      schema: {
        tags,
        summary: 'List roles',
        querystring: pageQuery(),
        response: { 200: pageOf(roleSchema) },
      },
    },
    async (request) => listRoles(ctx, pageOptions(request.query)),
  );

  app.post<{ Body: RoleInput }>(
    '/roles',
    {
      schema: {
        tags,
        summary: 'Create a role with a set of resource:action permissions',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: str(64), description: nullableStr(1024), permissions },
        },
        response: { 201: roleSchema },
      },
    },
    async (request, reply) => {
      const role = await createRole(ctx, actorOf(request), request.body);
      setEtag(reply, role.version).header('Location', `/admin/v1/roles/${role.id}`).code(201);
      return role;
    },
  );

  app.get<Id>(
    '/roles/:id',
    {
      schema: {
        tags,
        summary: 'Read a role (by id or name)',
        params: idParams,
        response: { 200: roleSchema },
      },
    },
    async (request, reply) => {
      const role = await getRole(ctx, request.params.id);
      setEtag(reply, role.version);
      return role;
    },
  );

  app.patch<Id & { Body: { description?: string | null; permissions?: string[] } }>(
    '/roles/:id',
    {
      schema: {
        tags,
        summary: 'Change description or replace the permission set (the name is immutable)',
        params: idParams,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: { description: nullableStr(1024), permissions },
        },
        response: { 200: roleSchema },
      },
    },
    async (request, reply) => {
      const role = await updateRole(ctx, actorOf(request), request.params.id, request.body, {
        ifVersion: ifMatch(request),
      });
      setEtag(reply, role.version);
      return role;
    },
  );

  app.delete<Id>(
    '/roles/:id',
    { schema: { tags, summary: 'Delete a role and every grant of it', params: idParams } },
    async (request, reply) => {
      await deleteRole(ctx, actorOf(request), request.params.id, { ifVersion: ifMatch(request) });
      return reply.code(204).send();
    },
  );
}
