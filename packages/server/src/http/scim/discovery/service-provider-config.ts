import type { FastifyInstance } from 'fastify';
import { BULK_MAX_OPERATIONS, BULK_MAX_PAYLOAD } from '../../../scim/resources/bulk-request.js';
import { MAX_RESULTS } from '../../../scim/resources/list-request.js';
import { SERVICE_PROVIDER_CONFIG } from '../../../scim/schema/urns.js';
import { sendResource } from '../render.js';
import { endpoints, type ScimDeps } from '../request.js';

/**
 * GET /ServiceProviderConfig (RFC 7643 §5), saying only what is true: PATCH, filters (in SQL,
 * up to maxResults per page), Bulk, sorting and ETags; no password changes.
 * `/serviceConfiguration` answers too: Microsoft's Entra ID test collection asks there.
 */
export function serviceProviderConfigRoute(app: FastifyInstance, deps: ScimDeps): void {
  const config = {
    schemas: [SERVICE_PROVIDER_CONFIG],
    documentationUri: 'https://github.com/tessera/tessera/blob/main/docs/scim.md',
    patch: { supported: true },
    bulk: { supported: true, maxOperations: BULK_MAX_OPERATIONS, maxPayloadSize: BULK_MAX_PAYLOAD },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          'A Tessera access token (RFC 9068) for the audience urn:tessera:admin holding tessera:scim, from the client_credentials grant at /oauth2/token.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${deps.baseUrl}/ServiceProviderConfig`,
    },
  };
  for (const url of endpoints('/ServiceProviderConfig', '/serviceConfiguration'))
    app.get(url, async (_request, reply) => sendResource(reply, 200, config));
}
