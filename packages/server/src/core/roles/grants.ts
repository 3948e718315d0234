import { type Actor, type CoreContext, commit } from '../context.js';
import { notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import type { Change } from '../journal.js';
import type { Role } from '../model.js';
import type { Tx } from '../ports.js';
import { accessChanged } from '../users/access.js';
import { resolveRole } from './service.js';

export type Grantee = { type: 'user' | 'group' | 'client'; id: string };
export type GrantOperation = 'grant' | 'revoke';

/**
 * Grants or revokes a role. To a user: bumps their `aver` and emits their new effective access.
 * To a group: ONE `group.roles_changed` event with the group's new version, whatever its size.
 * To a client: a `client.updated` event, so token caches drop the client's access.
 * Granting what is already held (or revoking what is not) changes nothing and records nothing.
 */
export async function changeGrant(
  ctx: CoreContext,
  actor: Actor,
  operation: GrantOperation,
  grantee: Grantee,
  roleRef: string,
): Promise<{ changed: boolean; role: Role }> {
  return commit<{ changed: boolean; role: Role }>(ctx, async (tx) => {
    const role = await resolveRole(tx, roleRef);
    const changed = await applyGrant(tx, operation, grantee, role.id);
    if (!changed) return { result: { changed, role }, changes: [] };
    const change: Change = {
      actor,
      action: operation === 'grant' ? 'role.granted' : 'role.revoked',
      targetType: grantee.type,
      targetId: grantee.id,
      summary: { role: role.name },
      events: [],
    };
    const reason = { reason: change.action, role: role.name };
    if (grantee.type === 'user') {
      const access = await accessChanged(tx, grantee.id, reason);
      if (access) change.events?.push(access.event);
    } else if (grantee.type === 'group') {
      const version = await tx.bumpGroupVersion(grantee.id);
      const roles = (await tx.listGroupRoles(grantee.id)).map((r) => r.name).sort();
      change.events?.push({
        type: 'group.roles_changed',
        subjectType: 'group',
        subjectId: grantee.id,
        subjectVersion: version ?? 0,
        data: { ...reason, roles },
      });
    } else {
      const client = await tx.getClient(grantee.id);
      // The client's roles now, so verifiers can re-evaluate its tokens already issued.
      const roles = (await tx.listClientRoles(grantee.id)).map((r) => r.name).sort();
      change.events?.push({
        type: 'client.updated',
        subjectType: 'client',
        subjectId: grantee.id,
        subjectVersion: client?.version ?? 0,
        data: { ...reason, clientId: client?.clientId, enabled: client?.enabled ?? false, roles },
      });
    }
    return { result: { changed, role }, changes: [change] };
  });
}

async function applyGrant(
  tx: Tx,
  operation: GrantOperation,
  grantee: Grantee,
  roleId: string,
): Promise<boolean> {
  const exists = !isUuid(grantee.id)
    ? undefined
    : grantee.type === 'user'
      ? await tx.getUser(grantee.id)
      : grantee.type === 'group'
        ? await tx.getGroup(grantee.id)
        : await tx.getClient(grantee.id);
  if (!exists) throw notFound(grantee.type, grantee.id);
  switch (`${operation}:${grantee.type}`) {
    case 'grant:user':
      return tx.grantUserRole(grantee.id, roleId);
    case 'revoke:user':
      return tx.revokeUserRole(grantee.id, roleId);
    case 'grant:group':
      return tx.grantGroupRole(grantee.id, roleId);
    case 'revoke:group':
      return tx.revokeGroupRole(grantee.id, roleId);
    case 'grant:client':
      return tx.grantClientRole(grantee.id, roleId);
    default:
      return tx.revokeClientRole(grantee.id, roleId);
  }
}
