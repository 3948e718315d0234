/**
 * The SCIM surface's one error shape, RFC 7644 §3.12:
 * `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"…"}`
 * with `Content-Type: application/scim+json`. This is the only place SCIM errors become responses.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isTesseraError, TesseraError } from '../../core/errors.js';
import type { Json } from '../../scim/resources/normalize.js';
import { ERROR } from '../../scim/schema/urns.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** The scimType values RFC 7644 §3.12 defines; others (the core's `tooLarge`) are not sent. */
const SCIM_TYPES = new Set([
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
]);

export function scimErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const err = toScimError(error, request.routeOptions.bodyLimit);
  if (!err.expose) request.log.error({ err: error }, 'SCIM request failed');
  if (err.status === 401 || err.code === 'ERR_FORBIDDEN') {
    // RFC 6750 §3.1: no error code in the challenge of a request that carried no credentials.
    const code = err.code === 'ERR_FORBIDDEN' ? 'insufficient_scope' : 'invalid_token';
    reply.header(
      'WWW-Authenticate',
      request.headers.authorization
        ? `Bearer realm="tessera", error="${code}", error_description="${err.message.replace(/["\\]/g, "'")}"`
        : 'Bearer realm="tessera"',
    );
  }
  const retryAfter = err.detail?.retryAfter;
  if (err.code === 'ERR_RATE_LIMITED' && typeof retryAfter === 'number')
    reply.header('Retry-After', String(retryAfter));
  return reply.code(err.status).type(SCIM_CONTENT_TYPE).send(scimErrorBody(err));
}

/** The RFC 7644 §3.12 message of an error (also the `response` of a failed Bulk operation). */
export function scimErrorBody(err: TesseraError): Json {
  const scimType =
    err.expose &&
    err.scimType !== undefined &&
    SCIM_TYPES.has(err.scimType) &&
    (err.status === 400 || err.status === 409 || err.status === 413)
      ? err.scimType
      : undefined;
  return {
    schemas: [ERROR],
    status: String(err.status),
    ...(scimType === undefined ? {} : { scimType }),
    detail: err.expose ? err.message : 'internal server error',
  };
}

/** Fastify's own failures (body parsing, limits, routing) as coded errors with their scimType. */
export function toScimError(error: FastifyError | Error, bodyLimit = 1024 * 1024): TesseraError {
  if (isTesseraError(error)) return error;
  const e = error as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TesseraError('ERR_PAYLOAD_TOO_LARGE', `request body exceeds ${bodyLimit / 1024 / 1024} MiB`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new TesseraError('ERR_UNSUPPORTED_MEDIA_TYPE', 'send application/scim+json or application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new TesseraError('ERR_VALIDATION', 'the request body is empty; send a JSON object', {
        scimType: 'invalidSyntax',
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new TesseraError('ERR_VALIDATION', 'the request body is not valid JSON', {
        scimType: 'invalidSyntax',
      });
  }
  if (e.statusCode === 400 && error instanceof SyntaxError)
    return new TesseraError('ERR_VALIDATION', 'the request body is not valid JSON', {
      scimType: 'invalidSyntax',
    });
  if (e.statusCode === 404) return new TesseraError('ERR_NOT_FOUND', 'no such endpoint');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return new TesseraError('ERR_VALIDATION', e.message, { scimType: 'invalidSyntax' });
  return new TesseraError('ERR_INTERNAL', 'internal server error', { cause: error });
}
