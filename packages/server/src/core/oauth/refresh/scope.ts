/**
 * RFC 6749 §6: a refresh request may name a `scope`, which "MUST NOT include any scope not
 * originally granted by the resource owner"; omitted, it "is treated as equal to the scope
 * originally granted". The family's own scope never changes (the new refresh token keeps it).
 */
import { TesseraError } from '../../errors.js';
import { anyGrants } from '../../permissions.js';
import { narrowToScope } from '../../tokens/scope.js';
import { splitScope } from '../scopes.js';

export interface RefreshScope {
  protocol: string[];
  /** The permissions asked for (space-separated); undefined: everything the user holds in the audience. */
  permissions: string | undefined;
}

/** The scope of this refresh: the original, or a subset of it; wider is invalid_scope. */
export function narrowRefreshScope(original: string, requested: string | undefined): RefreshScope {
  const granted = splitScope(original);
  if (requested === undefined) return granted;
  const asked = splitScope(requested);
  const extra = asked.protocol.filter((s) => !granted.protocol.includes(s));
  if (extra.length > 0) throw wider(extra);
  if (asked.permissions !== undefined && granted.permissions !== undefined) {
    // Validates the grammar and checks each against the original grant (a granted `billing:*`
    // covers `billing:read`).
    narrowToScope(granted.permissions.split(' '), asked.permissions);
  }
  // Asking for no permissions keeps the original permission grant (protocol scopes alone narrow
  // nothing about rights); asking for some when the original named none narrows "everything".
  return { protocol: asked.protocol, permissions: asked.permissions ?? granted.permissions };
}

/**
 * The permission scope to issue now: the asked-for permissions the user still holds. A right
 * lost since the login is dropped rather than failing the refresh; losing all of them fails it
 * (an empty permission scope would mean "everything", the opposite of what was granted).
 */
export function stillHeld(permissions: string | undefined, held: readonly string[]): string | undefined {
  if (permissions === undefined) return undefined;
  const kept = permissions.split(' ').filter((p) => anyGrants(held, p));
  if (kept.length === 0) {
    throw new TesseraError(
      'ERR_INVALID_SCOPE',
      'the user no longer holds any of the permissions this refresh token was granted',
    );
  }
  return kept.join(' ');
}

const wider = (extra: string[]): TesseraError =>
  new TesseraError(
    'ERR_INVALID_SCOPE',
    `the requested scope exceeds the scope originally granted: ${extra.join(' ')}`,
  );
