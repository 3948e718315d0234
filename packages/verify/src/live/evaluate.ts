/**
 * The rule of docs/design/live-access.md, applied to one token against the live state.
 * Pure and synchronous; the overlay memoizes its verdicts per token and state version.
 */
import { grants } from '../can.js';
import type { AccessTokenClaims } from '../jwt/claims.js';
import type { OverlayVerdict } from '../overlay.js';
import type { LiveState } from './state.js';

const REVOKED = (reason: string): OverlayVerdict => ({ revoked: true, reason });

export function evaluate(
  state: LiveState,
  claims: AccessTokenClaims,
  kid: string | undefined,
): OverlayVerdict {
  if (kid !== undefined && state.revokedKids.has(kid)) return REVOKED('its signing key was revoked');
  if (state.revokedJtis.has(claims.jti)) return REVOKED('the token was revoked');

  let roles: readonly string[];
  if (typeof claims.aver === 'number') {
    // A user token.
    const before = state.revokedBefore.get(claims.sub);
    if (before && claims.iat < before.iat) return REVOKED("the user's tokens were revoked");
    const user = state.users.get(claims.sub);
    const newer = user !== undefined && user.aver > claims.aver;
    if (user?.deleted && newer) return REVOKED('the user was deleted');
    if (newer && !user.active) return REVOKED('the user is disabled');
    const direct = newer ? user.directRoles : (stringList(claims.drl) ?? stringList(claims.roles) ?? []);
    const groups = newer ? user.groupIds : (stringList(claims.grp) ?? []);
    roles = withGroupRoles(state, direct, groups);
  } else {
    // A client's own token (client_credentials): sub and client_id name the client.
    const client = state.clients.get(claims.client_id);
    if (client?.deleted) return REVOKED('the client was deleted');
    if (client && !client.enabled) return REVOKED('the client is disabled');
    roles = client?.roles ?? stringList(claims.roles) ?? [];
  }
  const permissions = permissionsOf(state, roles, audiences(claims));
  return { roles, permissions: claims.scope ? withinScope(permissions, claims.scope) : permissions };
}

/**
 * A token issued for a `scope` (client_credentials with scope, a refresh or exchange narrowed
 * to some permissions) never regains more than the scope grants, whatever its roles grant now:
 * the current permissions the scope grants, plus the scope's own entries the current
 * permissions still grant (a scope `docs:read` under a role now holding `docs:*`). The wildcard
 * rule is the server's (packages/server/src/core/permissions.ts `grants`).
 */
function withinScope(permissions: readonly string[], scope: string): string[] {
  const entries = scope.split(' ').filter((s) => s.length > 0);
  if (entries.length === 0) return [...permissions];
  const out = new Set<string>();
  for (const p of permissions) if (entries.some((s) => grants(s, p))) out.add(p);
  for (const s of entries) if (permissions.some((p) => grants(p, s))) out.add(s);
  return [...out].sort();
}

function withGroupRoles(state: LiveState, direct: readonly string[], groups: readonly string[]): string[] {
  if (groups.length === 0) return [...direct].sort();
  const all = new Set(direct);
  for (const id of groups) for (const role of state.groups.get(id)?.roles ?? []) all.add(role);
  return [...all].sort();
}

/** The union of the catalog's permissions of `roles`, limited to the audience's namespace. */
function permissionsOf(state: LiveState, roles: readonly string[], auds: readonly string[]): string[] {
  const namespaces = new Set<string>();
  for (const aud of auds) {
    const ns = state.namespaces.get(aud);
    if (ns !== undefined) namespaces.add(ns);
  }
  const out = new Set<string>();
  for (const role of roles) {
    for (const permission of state.roles.get(role)?.permissions ?? []) {
      if (namespaces.has(permission.slice(0, permission.indexOf(':')))) out.add(permission);
    }
  }
  return [...out].sort();
}

const audiences = (claims: AccessTokenClaims): readonly string[] =>
  typeof claims.aud === 'string' ? [claims.aud] : claims.aud;

function stringList(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}
