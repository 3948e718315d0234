import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isTesseraError, TesseraError } from '../../core/errors.js';

/**
 * The admin API's one error shape, RFC 9457 problem details:
 * `{ type, title, status, detail, code, field? }` with `application/problem+json`.
 * `code` is the stable TesseraError code callers switch on. This is the only place admin
 * errors become responses.
 */
export function adminErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const err = toTesseraError(error);
  if (!err.expose) request.log.error({ err: error }, 'admin request failed');
  if (err.status === 401 || err.code === 'ERR_FORBIDDEN') {
    // RFC 6750 §3.1: a request without credentials gets a challenge with no error code.
    reply.header(
      'WWW-Authenticate',
      request.headers.authorization ? bearerChallenge(err) : 'Bearer realm="tessera"',
    );
  }
  const body: Record<string, unknown> = {
    type: `urn:tessera:error:${err.code}`,
    title: TITLES[err.status] ?? 'Error',
    status: err.status,
    detail: err.expose ? err.message : 'internal server error',
    code: err.expose ? err.code : 'ERR_INTERNAL',
  };
  if (err.expose && err.detail) Object.assign(body, { ...err.detail, ...body });
  return reply.code(err.status).type('application/problem+json').send(body);
}

/** RFC 6750 §3 challenge; the description is ours, never an echo of the token. */
function bearerChallenge(err: TesseraError): string {
  const code = err.code === 'ERR_FORBIDDEN' ? 'insufficient_scope' : 'invalid_token';
  const description = err.message.replace(/["\\]/g, "'");
  return `Bearer realm="tessera", error="${code}", error_description="${description}"`;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Fastify's own failures (validation, body parsing, limits) become coded TesseraErrors. */
export function toTesseraError(error: FastifyError | Error): TesseraError {
  if (isTesseraError(error)) return error;
  const e = error as FastifyError;
  if (e.validation) {
    const first = e.validation[0];
    const where = e.validationContext ?? 'body';
    const path = first?.instancePath ? first.instancePath.slice(1).replace(/\//g, '.') : '';
    const extra =
      first?.keyword === 'additionalProperties'
        ? `unknown field ${JSON.stringify((first.params as { additionalProperty?: string }).additionalProperty)}`
        : first?.message;
    const field = [
      path,
      first?.keyword === 'additionalProperties'
        ? (first.params as { additionalProperty?: string }).additionalProperty
        : '',
    ]
      .filter(Boolean)
      .join('.');
    return new TesseraError('ERR_VALIDATION', `invalid ${where}${path ? ` at ${path}` : ''}: ${extra}`, {
      detail: field ? { field } : {},
    });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TesseraError('ERR_PAYLOAD_TOO_LARGE', 'request body exceeds 1 MiB');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new TesseraError('ERR_UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new TesseraError('ERR_VALIDATION', 'request body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new TesseraError('ERR_VALIDATION', 'request body is not valid JSON');
  }
  if (e.statusCode === 400 && error instanceof SyntaxError) {
    return new TesseraError('ERR_VALIDATION', 'request body is not valid JSON');
  }
  if (e.statusCode === 404) return new TesseraError('ERR_NOT_FOUND', 'no such route');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new TesseraError('ERR_INVALID_REQUEST', e.message);
  }
  return new TesseraError('ERR_INTERNAL', 'internal server error', { cause: error });
}
