import type { FastifyRequest } from 'fastify';
import { TesseraError } from '../core/errors.js';

/** RFC 6750 §2.1: `Authorization: Bearer <token>`; no query-string or body tokens. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new TesseraError('ERR_UNAUTHENTICATED', 'missing bearer token');
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!match?.[1])
    throw new TesseraError('ERR_UNAUTHENTICATED', 'malformed Authorization header; expected Bearer');
  return match[1];
}
