import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isTesseraError, TesseraError } from '../../core/errors.js';
import type { TokenParams } from '../../core/tokens/params.js';
import type { TokenService } from '../../core/tokens/token-service.js';
import { TOKEN_PATH } from '../paths.js';
import { allowAnyOrigin } from './cors.js';
import { oauthErrorHandler } from './errors.js';
import { TokenEndpointLimits } from './limits.js';

export interface OAuthRoutesOptions {
  tokens: TokenService;
  /** Default: built from `tokens.rateLimit`. */
  limits?: TokenEndpointLimits;
}

/** Token requests are a few hundred bytes; nothing legitimate comes near this. */
const TOKEN_BODY_LIMIT = 16 * 1024;

const successSchema = {
  type: 'object',
  properties: {
    access_token: { type: 'string' },
    token_type: { type: 'string' },
    expires_in: { type: 'integer' },
    scope: { type: 'string' },
    refresh_token: { type: 'string' },
    id_token: { type: 'string' },
    issued_token_type: { type: 'string' },
  },
  required: ['access_token', 'token_type', 'expires_in'],
} as const;

const formRequired = () =>
  new TesseraError(
    'ERR_INVALID_REQUEST',
    'the token request must be an application/x-www-form-urlencoded body',
  );

/**
 * `POST /oauth2/token` (RFC 6749 §3.2), as a pipeline: address admitted → form body →
 * TokenService (grant_type → client authentication → client's budget admitted → grant); failed
 * authentications are counted per address and client_id. Only form bodies are parsed here
 * (every other media type is refused as invalid_request), and every response is `no-store`.
 */
export async function oauthRoutes(app: FastifyInstance, options: OAuthRoutesOptions) {
  const { tokens } = options;
  const limits = options.limits ?? new TokenEndpointLimits(tokens.rateLimit);
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: TOKEN_BODY_LIMIT });
  app.setErrorHandler(oauthErrorHandler);
  app.addHook('onClose', async () => tokens.close());
  // A SPA (a public client) redeems its code and refreshes from its own origin.
  allowAnyOrigin(app, TOKEN_PATH, ['POST']);

  app.post(
    TOKEN_PATH,
    { bodyLimit: TOKEN_BODY_LIMIT, schema: { response: { 200: successSchema } } },
    async (request: FastifyRequest, reply) => {
      const ip = request.ip;
      limits.admitAddress(ip);
      if (request.body === undefined || request.body === null) throw formRequired();
      try {
        const body = await tokens.token({
          params: request.body as TokenParams,
          authorization: request.headers.authorization,
          sourceIp: ip,
          admit: (client) => limits.admitClient(client.clientId),
        });
        reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
        return body;
      } catch (err) {
        if (isTesseraError(err) && err.code === 'ERR_INVALID_CLIENT') {
          const clientId = err.detail?.clientId;
          throw limits.failed(ip, typeof clientId === 'string' ? clientId : undefined, err);
        }
        throw err;
      }
    },
  );
  // RFC 6749 §3.2: "The client MUST use the HTTP POST method when making access token requests."
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: TOKEN_PATH,
    handler: async (_request, reply) => {
      reply.header('Allow', 'POST');
      throw new TesseraError('ERR_INVALID_REQUEST', 'token requests must use POST (RFC 6749 §3.2)');
    },
  });
}
