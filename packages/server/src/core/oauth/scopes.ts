/**
 * The `scope` of an authorization request (RFC 6749 §3.3) carries two kinds of values: the
 * protocol scopes of OpenID Connect (Core §5.4, §11) and Tessera's permissions
 * (`resource:action`, narrowed against what the user holds in the audience's namespace).
 */

/** OpenID Connect Core §3.1.2.1, §5.4 and §11: scopes that select claims and tokens, not rights. */
export const PROTOCOL_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
export type ProtocolScope = (typeof PROTOCOL_SCOPES)[number];

const PROTOCOL = new Set<string>(PROTOCOL_SCOPES);

export interface SplitScope {
  /** The protocol scopes requested, de-duplicated, in PROTOCOL_SCOPES order. */
  protocol: string[];
  /** The remaining scope values (permissions), de-duplicated, sorted, space-separated; undefined when none. */
  permissions: string | undefined;
}

/**
 * Splits a scope string into protocol scopes and permissions. Whitespace runs count as one
 * separator here; the permission part is validated later by narrowToScope (RFC 6749 §3.3
 * grammar), so a malformed value still fails as invalid_scope.
 */
export function splitScope(scope: string | undefined): SplitScope {
  if (scope === undefined) return { protocol: [], permissions: undefined };
  const values = new Set(scope.split(' ').filter((value) => value !== ''));
  const protocol = PROTOCOL_SCOPES.filter((value) => values.has(value));
  const permissions = [...values].filter((value) => !PROTOCOL.has(value)).sort();
  return { protocol, permissions: permissions.length === 0 ? undefined : permissions.join(' ') };
}

/** The granted scope string: protocol scopes first, then permissions (empty string when none). */
export function joinScope(protocol: readonly string[], permissions: string | undefined): string {
  return [...protocol, ...(permissions === undefined || permissions === '' ? [] : [permissions])].join(' ');
}
