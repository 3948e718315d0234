/**
 * `POST /oauth2/introspect` (RFC 7662) for clients allowed to introspect: those holding
 * `tessera:introspect` (or `tessera:admin`) through a role, in Tessera's own namespace. Others
 * are refused after authenticating: 401 for bad credentials (§2.3, RFC 6749 §5.2), 403
 * `insufficient_scope` for a client without the permission (RFC 6750 §3.1). The answer is
 * core/tokens/introspect.ts's: `{ "active": false }` for anything not currently valid, else the
 * token's claims with the user's current roles and permissions.
 */
import type { FastifyInstance } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import type { EventBus } from '../../core/events.js';
import type { EventFeed } from '../../core/feed.js';
import {
  INTROSPECT_PERMISSION,
  Introspector,
  type IntrospectorOptions,
} from '../../core/tokens/introspect.js';
import type { TokenService } from '../../core/tokens/token-service.js';
import { INTROSPECTION_PATH } from '../paths.js';
import { TokenEndpointLimits } from './limits.js';
import { CLIENT_ENDPOINT_BODY_LIMIT, clientEndpoint } from './revoke.js';

export interface IntrospectionRoutesOptions {
  tokens: TokenService;
  introspector: IntrospectorOptions;
  /** The followed event log (keeps the in-memory view current across instances). */
  feed: EventFeed;
  bus?: EventBus;
  limits?: TokenEndpointLimits;
}

export async function introspectionRoutes(app: FastifyInstance, options: IntrospectionRoutesOptions) {
  const limits = options.limits ?? new TokenEndpointLimits(options.tokens.rateLimit);
  const introspector = new Introspector(options.introspector);
  await introspector.start(options.feed, options.bus);
  options.tokens.attachIntrospector(introspector);
  app.addHook('onClose', async () => introspector.close());
  const front = await clientEndpoint(app, options.tokens, limits);

  app.post(INTROSPECTION_PATH, { bodyLimit: CLIENT_ENDPOINT_BODY_LIMIT }, async (request, reply) => {
    const { client, token } = await front(request);
    if (!(await introspector.mayIntrospect(client.clientId))) {
      throw new TesseraError(
        'ERR_FORBIDDEN',
        `the client may not introspect tokens: it needs the permission ${INTROSPECT_PERMISSION}`,
      );
    }
    // token_type_hint is ignored: the kind is read from the token (RFC 7662 §2.1 allows it).
    const answer = await introspector.introspect(token);
    return reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache').send(answer);
  });
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: INTROSPECTION_PATH,
    handler: async (_request, reply) => {
      reply.header('Allow', 'POST');
      throw new TesseraError('ERR_INVALID_REQUEST', 'introspection requests must use POST (RFC 7662 §2.1)');
    },
  });
}
