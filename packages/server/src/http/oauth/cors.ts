import type { FastifyInstance } from 'fastify';

/**
 * Lets browser applications (public clients: SPAs) call an endpoint from their own origin. Safe
 * for any origin because these endpoints never read cookies: the client proves itself with what
 * it sends (a code and its PKCE verifier, a refresh token, a bearer token), and without
 * `Access-Control-Allow-Credentials` a browser sends no cookie cross-origin anyway. So a
 * cross-origin page learns nothing it could not learn with curl.
 *
 * Applies to every route of the plugin it is called in (Fastify encapsulation), errors included,
 * and answers the preflight of `path`.
 */
export function allowAnyOrigin(app: FastifyInstance, path: string, methods: readonly string[]): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Access-Control-Allow-Origin', '*');
  });
  app.options(path, async (_request, reply) =>
    reply
      .code(204)
      .header('Access-Control-Allow-Methods', methods.join(', '))
      .header('Access-Control-Allow-Headers', 'Authorization, Content-Type')
      .header('Access-Control-Max-Age', '600')
      .send(),
  );
}
