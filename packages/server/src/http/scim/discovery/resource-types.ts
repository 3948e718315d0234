import type { FastifyInstance } from 'fastify';
import { TesseraError } from '../../../core/errors.js';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  RESOURCE_TYPE,
  USER_SCHEMA,
} from '../../../scim/schema/urns.js';
import { listResponse, sendResource } from '../render.js';
import { endpoints, type ScimDeps } from '../request.js';

/** GET /ResourceTypes and /ResourceTypes/{name} (RFC 7643 §6): User (with the enterprise extension), Group. */
export function resourceTypesRoute(app: FastifyInstance, deps: ScimDeps): void {
  const types = [
    {
      schemas: [RESOURCE_TYPE],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${deps.baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [RESOURCE_TYPE],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Group',
      schema: GROUP_SCHEMA,
      meta: { resourceType: 'ResourceType', location: `${deps.baseUrl}/ResourceTypes/Group` },
    },
  ];
  for (const url of endpoints('/ResourceTypes'))
    app.get(url, async (_request, reply) => sendResource(reply, 200, listResponse(types, types.length, 1)));
  for (const url of endpoints('/ResourceTypes/:name'))
    app.get<{ Params: { name: string } }>(url, async (request, reply) => {
      const type = types.find((t) => t.id.toLowerCase() === request.params.name.toLowerCase());
      if (type === undefined)
        throw new TesseraError('ERR_NOT_FOUND', `no resource type ${JSON.stringify(request.params.name)}`);
      return sendResource(reply, 200, type);
    });
}
