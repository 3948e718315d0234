/**
 * ETags of SCIM resources (RFC 7644 §3.14): `W/"<version>"`, the same string as `meta.version`.
 * Weak, because one version has several representations (`attributes` projections, members
 * listed or not). As RFC 7644 §3.14 shows weak tags in `If-Match`, preconditions compare tags by
 * version whether weak or strong (RFC 9110's strong comparison would make a weak tag never match).
 */
import type { FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { etagOf } from '../../scim/resources/user.js';

export { etagOf };

const TAG = /^\s*(?:W\/)?"([^"]*)"\s*$/;

/** The versions a precondition header names, `*` for any, or undefined when absent. */
function versionsIn(header: string | undefined): '*' | Set<number> | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  const versions = new Set<number>();
  for (const part of header.split(',')) {
    const match = TAG.exec(part);
    if (match?.[1] !== undefined && /^\d{1,15}$/.test(match[1])) versions.add(Number(match[1]));
  }
  return versions;
}

/** RFC 9110 §13.1.1: 412 unless the current version is one `If-Match` (or a Bulk `version`) names. */
export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  const versions = versionsIn(ifMatch);
  if (versions === undefined || versions === '*' || versions.has(version)) return;
  throw new TesseraError(
    'ERR_PRECONDITION_FAILED',
    `the resource has changed: its version is ${etagOf(version)} (If-Match)`,
    { detail: { version: etagOf(version) } },
  );
}

/** RFC 9110 §13.1.2: a GET whose `If-None-Match` names the current version is answered 304. */
export function notModified(request: FastifyRequest, version: number): boolean {
  const versions = versionsIn(request.headers['if-none-match']);
  return versions === '*' || versions?.has(version) === true;
}
