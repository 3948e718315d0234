import { TesseraError } from '../errors.js';
import { anyGrants, namespaceOf } from '../permissions.js';

/** The permissions that belong to one application: `billing:read` and `billing:*` to `billing`. */
export function permissionsInNamespace(permissions: readonly string[], namespace: string): string[] {
  return permissions.filter((p) => namespaceOf(p) === namespace);
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/**
 * Narrows `held` to the requested `scope` (space-separated permissions). Every requested
 * permission must be granted by one held (a held `billing:*` grants `billing:read`), else the
 * whole request fails: RFC 6749 §5.2 invalid_scope, "The requested scope is invalid, unknown,
 * malformed, or exceeds the scope granted by the resource owner." Returns the requested
 * permissions, de-duplicated and sorted, and their scope string.
 */
export function narrowToScope(
  held: readonly string[],
  scope: string,
): { permissions: string[]; scope: string } {
  if (!SCOPE.test(scope)) throw invalidScope('the requested scope is malformed');
  const requested = [...new Set(scope.split(' '))].sort();
  const missing = requested.filter((p) => !anyGrants(held, p));
  if (missing.length > 0) {
    throw invalidScope(
      `the requested scope exceeds what the client holds for this resource: ${missing.join(' ')}`,
    );
  }
  return { permissions: requested, scope: requested.join(' ') };
}

const invalidScope = (message: string): TesseraError => new TesseraError('ERR_INVALID_SCOPE', message);
