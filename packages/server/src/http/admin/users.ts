import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { changeGrant } from '../../core/roles/grants.js';
import {
  createUser,
  deleteUser,
  getUser,
  getUserAccess,
  listUsers,
  updateUser,
} from '../../core/users/service.js';
import type { UserInput } from '../../core/users/user.js';
import { ifMatch, setEtag } from './etag.js';
import { actorOf, pageOptions } from './request.js';
import {
  accessSchema,
  grantResult,
  groupSchema,
  idParams,
  idRoleParams,
  pageOf,
  pageQuery,
  roleSchema,
  str,
  userInputProperties,
  userSchema,
} from './schemas.js';

type Id = { Params: { id: string } };
type ListQuery = {
  limit?: string;
  cursor?: string;
  userName?: string;
  externalId?: string;
  email?: string;
  active?: 'true' | 'false';
};

export function userRoutes(app: FastifyInstance, ctx: CoreContext) {
  const tags = ['users'];
  app.get<{ Querystring: ListQuery }>(
    '/users',
    {
      schema: {
        tags,
        summary: 'List users (cursor pagination; filters are exact, userName and email case-insensitive)',
        querystring: pageQuery({
          userName: str(),
          externalId: str(),
          email: str(254),
          active: { enum: ['true', 'false'] },
        }),
        response: { 200: pageOf(userSchema) },
      },
    },
    async (request) => {
      const { userName, externalId, email, active } = request.query;
      return listUsers(ctx, {
        ...pageOptions(request.query),
        filter: {
          ...(userName === undefined ? {} : { userName }),
          ...(externalId === undefined ? {} : { externalId }),
          ...(email === undefined ? {} : { email }),
          ...(active === undefined ? {} : { active: active === 'true' }),
        },
      });
    },
  );

  app.post<{ Body: UserInput }>(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create a user',
        body: {
          type: 'object',
          required: ['userName'],
          additionalProperties: false,
          properties: userInputProperties,
        },
        response: { 201: userSchema },
      },
    },
    async (request, reply) => {
      const user = await createUser(ctx, actorOf(request), request.body);
      setEtag(reply, user.version).header('Location', `/admin/v1/users/${user.id}`).code(201);
      return user;
    },
  );

  app.get<Id>(
    '/users/:id',
    { schema: { tags, summary: 'Read a user', params: idParams, response: { 200: userSchema } } },
    async (request, reply) => {
      const user = await getUser(ctx, request.params.id);
      setEtag(reply, user.version);
      return user;
    },
  );

  const update =
    (replace: boolean) =>
    async (
      request: { params: { id: string }; body: Partial<UserInput> } & Parameters<typeof actorOf>[0],
      reply: Parameters<typeof setEtag>[0],
    ) => {
      const changes: Partial<UserInput> = replace
        ? { externalId: null, name: null, displayName: null, emails: null, active: true, ...request.body }
        : request.body;
      const user = await updateUser(ctx, actorOf(request), request.params.id, changes, {
        ifVersion: ifMatch(request),
      });
      setEtag(reply, user.version);
      return user;
    };
  app.patch<Id & { Body: Partial<UserInput> }>(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'Change some attributes (If-Match: "version" for optimistic concurrency)',
        params: idParams,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: userInputProperties,
        },
        response: { 200: userSchema },
      },
    },
    update(false),
  );
  app.put<Id & { Body: UserInput }>(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'Replace all attributes; omitted optional attributes are cleared',
        params: idParams,
        body: {
          type: 'object',
          required: ['userName'],
          additionalProperties: false,
          properties: userInputProperties,
        },
        response: { 200: userSchema },
      },
    },
    update(true),
  );

  app.delete<Id>(
    '/users/:id',
    { schema: { tags, summary: 'Delete a user', params: idParams } },
    async (request, reply) => {
      await deleteUser(ctx, actorOf(request), request.params.id, { ifVersion: ifMatch(request) });
      return reply.code(204).send();
    },
  );

  app.get<Id>(
    '/users/:id/access',
    {
      schema: {
        tags,
        summary: "The user's effective roles and permissions (direct and through groups)",
        params: idParams,
        response: { 200: accessSchema },
      },
    },
    async (request) => getUserAccess(ctx, request.params.id),
  );

  app.get<Id>(
    '/users/:id/roles',
    {
      schema: {
        tags,
        summary: 'Roles granted directly',
        params: idParams,
        response: { 200: { type: 'array', items: roleSchema } },
      },
    },
    async (request) => {
      await getUser(ctx, request.params.id);
      return ctx.store.listUserRoles(request.params.id);
    },
  );

  app.get<Id>(
    '/users/:id/groups',
    {
      schema: {
        tags,
        summary: 'Groups the user belongs to',
        params: idParams,
        response: { 200: { type: 'array', items: groupSchema } },
      },
    },
    async (request) => {
      await getUser(ctx, request.params.id);
      return ctx.store.listUserGroups(request.params.id);
    },
  );

  for (const [method, operation] of [
    ['put', 'grant'],
    ['delete', 'revoke'],
  ] as const) {
    app[method]<{ Params: { id: string; role: string } }>(
      '/users/:id/roles/:role',
      {
        schema: {
          tags,
          summary: `${operation === 'grant' ? 'Grant' : 'Revoke'} a role (by name or id) directly`,
          params: idRoleParams,
          response: { 200: grantResult },
        },
      },
      async (request) => {
        const { changed, role } = await changeGrant(
          ctx,
          actorOf(request),
          operation,
          { type: 'user', id: request.params.id },
          request.params.role,
        );
        return { changed, role: role.name };
      },
    );
  }
}
