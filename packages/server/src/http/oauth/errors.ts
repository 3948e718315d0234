import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isTesseraError, TesseraError } from '../../core/errors.js';

/**
 * The one place where the OAuth surface turns errors into responses: RFC 6749 §5.2
 * `{ error, error_description }`, never cached.
 *
 * - invalid_client is 401 with `WWW-Authenticate: Basic realm="tessera"`. §5.2 requires it
 *   when the client tried the Authorization header and allows it otherwise ("to indicate which
 *   HTTP authentication schemes are supported"); HTTP requires the challenge on every 401.
 * - 429 carries Retry-After (see limits.ts for the error code).
 * - Errors not meant for the caller (status ≥ 500) keep their status and code but lose their
 *   message; anything that is not a TesseraError is a bug: 500 `server_error`, logged.
 */
export function oauthErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const err = toTesseraError(error);
  if (!err.expose) request.log.error({ err: error }, 'token endpoint failed');
  reply.code(err.status).header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
  if (err.code === 'ERR_INVALID_CLIENT')
    reply.header('WWW-Authenticate', 'Basic realm="tessera", charset="UTF-8"');
  const retryAfter = err.detail?.retryAfter;
  if (err.code === 'ERR_RATE_LIMITED' && typeof retryAfter === 'number')
    reply.header('Retry-After', String(retryAfter));
  return reply.send({
    error: err.oauthError,
    error_description: err.expose ? err.message : 'the server could not handle the request',
  });
}

/** Fastify's own request failures (media type, body size, parsing) become invalid_request. */
function toTesseraError(error: FastifyError | Error): TesseraError {
  if (isTesseraError(error)) return error;
  const e = error as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new TesseraError(
        'ERR_INVALID_REQUEST',
        'the token endpoint accepts only application/x-www-form-urlencoded bodies (RFC 6749 §3.2)',
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TesseraError('ERR_INVALID_REQUEST', 'the request body is too large');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new TesseraError('ERR_INVALID_REQUEST', 'the request is malformed');
  }
  return new TesseraError('ERR_INTERNAL', 'unexpected error', { cause: error });
}
