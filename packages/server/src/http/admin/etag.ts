import type { FastifyReply, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';

/** Sets the ETag of a versioned resource: the version, as a strong validator (RFC 9110 §8.8.3). */
export const setEtag = (reply: FastifyReply, version: number): FastifyReply =>
  reply.header('ETag', `"${version}"`);

/**
 * The version an `If-Match` header names, or undefined when absent or `*`.
 * A weak validator or a list cannot identify one version: 412 (RFC 9110 §13.1.1 uses strong comparison).
 */
export function ifMatch(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*"(\d{1,15})"\s*$/.exec(header);
  if (!match) {
    throw new TesseraError('ERR_PRECONDITION_FAILED', 'If-Match must be one strong ETag such as "3"');
  }
  return Number(match[1]);
}
