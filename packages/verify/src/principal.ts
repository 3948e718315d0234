import { grants } from './can.js';
import type { AccessTokenClaims } from './jwt/claims.js';

/**
 * Who a verified token speaks for, and what they may do.
 *
 * - `sub`: the user id, or for a client's own token its `client_id` (RFC 9068 §2.2);
 * - `clientId`: the OAuth client the token was issued to;
 * - `roles`, `permissions`: from the token, or the subject's current ones when a live overlay
 *   knows better;
 * - `scope`: the token's `scope` claim split on spaces (empty when the token has none);
 * - `claims`: every claim, as verified.
 *
 * Principals are frozen: a cached one is shared by every request that presents the same token.
 *
 * @example
 * ```ts
 * import type { Principal } from '@tessera/verify';
 * const label = (p: Principal) => `${p.sub} (${p.roles.join(', ')})`;
 * ```
 */
export interface Principal {
  readonly sub: string;
  readonly clientId: string;
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
  readonly scope: readonly string[];
  readonly claims: AccessTokenClaims;
}

const EMPTY: readonly string[] = Object.freeze([]);

/** Freezes the claims (arrays included) and builds the principal they describe. */
export function toPrincipal(claims: AccessTokenClaims): Principal {
  for (const key in claims) {
    const value = claims[key];
    if (typeof value !== 'object' || value === null) continue;
    // roles, permissions, aud: lists of strings need no walk.
    if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) Object.freeze(value);
    else deepFreeze(value);
  }
  Object.freeze(claims);
  return Object.freeze({
    sub: claims.sub,
    clientId: claims.client_id,
    roles: claims.roles ?? EMPTY,
    permissions: claims.permissions ?? EMPTY,
    scope: claims.scope ? Object.freeze(claims.scope.split(' ').filter((s) => s.length > 0)) : EMPTY,
    claims,
  });
}

function deepFreeze(value: object): void {
  const stack: object[] = [value];
  while (stack.length > 0) {
    const item = stack.pop() as Record<string, unknown>;
    Object.freeze(item);
    for (const key in item) {
      const child = item[key];
      if (typeof child === 'object' && child !== null && !Object.isFrozen(child)) stack.push(child);
    }
  }
}

/**
 * The principal with the subject's current rights. A token issued for a `scope` never gains
 * beyond it: the new permissions are narrowed to what the scope grants.
 */
export function withCurrentRights(
  principal: Principal,
  roles: readonly string[] | undefined,
  permissions: readonly string[] | undefined,
): Principal {
  let nextPermissions = permissions ?? principal.permissions;
  if (permissions !== undefined && principal.scope.length > 0) {
    const scope = principal.scope;
    const narrowed = new Set<string>();
    for (const p of permissions) if (scope.some((s) => grants(s, p))) narrowed.add(p);
    for (const s of scope) if (permissions.some((p) => grants(p, s))) narrowed.add(s);
    nextPermissions = [...narrowed];
  }
  return Object.freeze({
    ...principal,
    roles: Object.freeze([...(roles ?? principal.roles)]),
    permissions: Object.freeze([...nextPermissions]),
  });
}
