import type { FastifyInstance } from 'fastify';
import {
  type ClientInput,
  type ClientWithSecret,
  createClient,
  deleteClient,
  getClient,
  listClients,
  rotateClientSecret,
  updateClient,
} from '../../core/clients/service.js';
import type { ClientSettingsInput } from '../../core/clients/settings.js';
import type { CoreContext } from '../../core/context.js';
import { CLIENT_AUTH_METHODS, CLIENT_TYPES, GRANT_TYPES, type GrantType } from '../../core/model.js';
import { changeGrant } from '../../core/roles/grants.js';
import { ifMatch, setEtag } from './etag.js';
import { actorOf, pageOptions } from './request.js';
import {
  clientSchema,
  grantResult,
  idParams,
  idRoleParams,
  nullableStr,
  pageOf,
  pageQuery,
  roleSchema,
  str,
} from './schemas.js';

type Id = { Params: { id: string } };
const grantTypes = { type: 'array', maxItems: 10, items: { enum: GRANT_TYPES } } as const;
const uris = (description: string) =>
  ({ type: 'array', maxItems: 20, items: str(2048), description }) as const;
const jwk = {
  type: 'object',
  additionalProperties: true,
  required: ['kty'],
  properties: { kty: str(16) },
} as const;
/** The OAuth settings of a client (core/clients/settings.ts checks them as a whole). */
const settingsProperties = {
  type: {
    enum: CLIENT_TYPES,
    description: 'confidential (keeps a secret or a key) or public (SPA, CLI: PKCE, no secret)',
  },
  tokenEndpointAuthMethod: {
    enum: CLIENT_AUTH_METHODS,
    description:
      'client_secret_basic or _post (interchangeable), private_key_jwt (needs jwks), none (public clients)',
  },
  redirectUris: uris(
    'Exact-match redirect URIs for the authorization code flow (https, loopback http, or app.scheme:/path)',
  ),
  postLogoutRedirectUris: uris('Where end_session may return the browser, exact match'),
  firstParty: { type: 'boolean', description: 'First-party clients skip the consent page' },
  jwks: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['keys'],
    properties: { keys: { type: 'array', maxItems: 10, items: jwk } },
    description: 'Public keys (a JWK Set) for private_key_jwt; null removes them',
  },
} as const;
const clientOut = {
  type: 'object',
  properties: { ...clientSchema.properties, ...settingsProperties },
} as const;
const withSecret = {
  type: 'object',
  properties: {
    ...clientOut.properties,
    clientSecret: {
      type: ['string', 'null'],
      description: 'Shown once; store it now. null for clients without a secret (public, private_key_jwt)',
    },
  },
} as const;
const present = ({ client, clientSecret }: ClientWithSecret) => ({ ...client, clientSecret });

export function clientRoutes(app: FastifyInstance, ctx: CoreContext) {
  const tags = ['clients'];
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/clients',
    {
      schema: {
        tags,
        summary: 'List OAuth clients',
        querystring: pageQuery(),
        response: { 200: pageOf(clientOut) },
      },
    },
    async (request) => listClients(ctx, pageOptions(request.query)),
  );

  app.post<{ Body: ClientInput }>(
    '/clients',
    {
      schema: {
        tags,
        summary:
          'Create a client; the response carries its secret, once (none for public and private_key_jwt clients)',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: str(128),
            grantTypes,
            defaultAudience: nullableStr(2048),
            enabled: { type: 'boolean' },
            roles: { type: 'array', maxItems: 100, items: str(128) },
            ...settingsProperties,
          },
        },
        response: { 201: withSecret },
      },
    },
    async (request, reply) => {
      const created = await createClient(ctx, actorOf(request), request.body);
      setEtag(reply, created.client.version)
        .header('Location', `/admin/v1/clients/${created.client.id}`)
        .header('Cache-Control', 'no-store')
        .code(201);
      return present(created);
    },
  );

  app.get<Id>(
    '/clients/:id',
    {
      schema: {
        tags,
        summary: 'Read a client (by id or client_id)',
        params: idParams,
        response: { 200: clientOut },
      },
    },
    async (request, reply) => {
      const client = await getClient(ctx, request.params.id);
      setEtag(reply, client.version);
      return client;
    },
  );

  app.patch<
    Id & {
      Body: {
        name?: string;
        grantTypes?: GrantType[];
        defaultAudience?: string | null;
        enabled?: boolean;
      } & ClientSettingsInput;
    }
  >(
    '/clients/:id',
    {
      schema: {
        tags,
        summary: 'Change a client; enabled=false stops its token requests at once',
        params: idParams,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            name: str(128),
            grantTypes,
            defaultAudience: nullableStr(2048),
            enabled: { type: 'boolean' },
            ...settingsProperties,
          },
        },
        response: { 200: clientOut },
      },
    },
    async (request, reply) => {
      const current = await getClient(ctx, request.params.id);
      const client = await updateClient(ctx, actorOf(request), current.id, request.body, {
        ifVersion: ifMatch(request),
      });
      setEtag(reply, client.version);
      return client;
    },
  );

  app.post<Id>(
    '/clients/:id/secret',
    {
      schema: {
        tags,
        summary: 'Issue a new secret; the old one stops working',
        params: idParams,
        response: { 200: withSecret },
      },
    },
    async (request, reply) => {
      const current = await getClient(ctx, request.params.id);
      const rotated = await rotateClientSecret(ctx, actorOf(request), current.id);
      setEtag(reply, rotated.client.version).header('Cache-Control', 'no-store');
      return present(rotated);
    },
  );

  app.delete<Id>(
    '/clients/:id',
    { schema: { tags, summary: 'Delete a client', params: idParams } },
    async (request, reply) => {
      const current = await getClient(ctx, request.params.id);
      await deleteClient(ctx, actorOf(request), current.id, { ifVersion: ifMatch(request) });
      return reply.code(204).send();
    },
  );

  app.get<Id>(
    '/clients/:id/roles',
    {
      schema: {
        tags,
        summary: 'Roles the client holds',
        params: idParams,
        response: { 200: { type: 'array', items: roleSchema } },
      },
    },
    async (request) => {
      const client = await getClient(ctx, request.params.id);
      return ctx.store.listClientRoles(client.id);
    },
  );

  for (const [method, operation] of [
    ['put', 'grant'],
    ['delete', 'revoke'],
  ] as const) {
    app[method]<{ Params: { id: string; role: string } }>(
      '/clients/:id/roles/:role',
      {
        schema: {
          tags,
          summary: `${operation === 'grant' ? 'Grant' : 'Revoke'} a role`,
          params: idRoleParams,
          response: { 200: grantResult },
        },
      },
      async (request) => {
        const client = await getClient(ctx, request.params.id);
        const { changed, role } = await changeGrant(
          ctx,
          actorOf(request),
          operation,
          { type: 'client', id: client.id },
          request.params.role,
        );
        return { changed, role: role.name };
      },
    );
  }
}
