import type { FastifyInstance } from 'fastify';
import { TesseraError } from '../../../core/errors.js';
import { GROUP } from '../../../scim/schema/group.js';
import type { SchemaDef } from '../../../scim/schema/types.js';
import { SCHEMA } from '../../../scim/schema/urns.js';
import { ENTERPRISE_USER, USER } from '../../../scim/schema/user.js';
import { listResponse, sendResource } from '../render.js';
import { endpoints, type ScimDeps } from '../request.js';

/** GET /Schemas and /Schemas/{urn} (RFC 7643 §7): the very tables that check input and filters. */
export function schemasRoute(app: FastifyInstance, deps: ScimDeps): void {
  const resource = (schema: SchemaDef) => ({
    schemas: [SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes,
    meta: { resourceType: 'Schema', location: `${deps.baseUrl}/Schemas/${schema.id}` },
  });
  const all = [USER, ENTERPRISE_USER, GROUP].map(resource);
  for (const url of endpoints('/Schemas'))
    app.get(url, async (_request, reply) => sendResource(reply, 200, listResponse(all, all.length, 1)));
  for (const url of endpoints('/Schemas/:id'))
    app.get<{ Params: { id: string } }>(url, async (request, reply) => {
      const found = all.find((s) => s.id.toLowerCase() === request.params.id.toLowerCase());
      if (found === undefined)
        throw new TesseraError('ERR_NOT_FOUND', `no schema ${JSON.stringify(request.params.id)}`);
      return sendResource(reply, 200, found);
    });
}
