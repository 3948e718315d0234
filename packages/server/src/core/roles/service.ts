import { type Actor, type CoreContext, checkVersion, commit, conflictLost } from '../context.js';
import { notFound, TesseraError } from '../errors.js';
import { isUuid, uuidv7 } from '../ids.js';
import type { ListOptions, NewLogEvent, Page, Role } from '../model.js';
import { assertName, normalizePermissions } from '../permissions.js';
import type { Tx } from '../ports.js';
import { optionalText } from '../validate.js';

export interface RoleInput {
  name: string;
  description?: string | null;
  permissions?: string[];
}

/** Roles Tessera itself relies on; they cannot be deleted or stripped of their permission. */
export const ADMIN_ROLE = 'tessera-admin';

const roleEvent = (role: Role, type: NewLogEvent['type'], data: Record<string, unknown>): NewLogEvent => ({
  type,
  subjectType: 'role',
  subjectId: role.id,
  subjectVersion: role.version,
  data: { name: role.name, ...data },
});

export async function createRole(ctx: CoreContext, actor: Actor, input: RoleInput): Promise<Role> {
  assertName(input.name, 'name');
  const permissions = normalizePermissions(input.permissions ?? []);
  const description = optionalText(input.description, 'description', 1024) ?? '';
  return commit(ctx, async (tx, now) => {
    const role: Role = {
      id: uuidv7(now.getTime()),
      name: input.name,
      description,
      permissions,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insertRole(role);
    return {
      result: role,
      changes: [
        {
          actor,
          action: 'role.created',
          targetType: 'role',
          targetId: role.id,
          summary: { name: role.name, permissions },
          events: [roleEvent(role, 'role.created', { permissions })],
        },
      ],
    };
  });
}

/**
 * Changes a role's description or permission set. A permission change is ONE event for the
 * role, however many users hold it: verifiers resolve roles through the role catalog.
 * The name is immutable, since tokens already issued carry it.
 */
export async function updateRole(
  ctx: CoreContext,
  actor: Actor,
  ref: string,
  changes: { description?: string | null; permissions?: string[] },
  options: { ifVersion?: number } = {},
): Promise<Role> {
  const permissions =
    changes.permissions === undefined ? undefined : normalizePermissions(changes.permissions);
  return commit(ctx, async (tx, now) => {
    const before = await resolveRole(tx, ref);
    checkVersion('role', before.version, options.ifVersion);
    if (before.name === ADMIN_ROLE && permissions && !permissions.includes('tessera:admin')) {
      throw new TesseraError('ERR_VALIDATION', `role ${ADMIN_ROLE} must keep tessera:admin`, {
        detail: { field: 'permissions' },
      });
    }
    const after: Role = {
      ...before,
      description:
        changes.description === undefined
          ? before.description
          : (optionalText(changes.description, 'description', 1024) ?? ''),
      permissions: permissions ?? before.permissions,
    };
    const permissionsChanged = JSON.stringify(after.permissions) !== JSON.stringify(before.permissions);
    if (!permissionsChanged && after.description === before.description)
      return { result: before, changes: [] };
    after.version = before.version + 1;
    after.updatedAt = now;
    if (!(await tx.updateRole(after, before.version))) throw conflictLost('role');
    const added = after.permissions.filter((p) => !before.permissions.includes(p));
    const removed = before.permissions.filter((p) => !after.permissions.includes(p));
    return {
      result: after,
      changes: [
        {
          actor,
          action: 'role.updated',
          targetType: 'role',
          targetId: after.id,
          summary: {
            name: after.name,
            added,
            removed,
            descriptionChanged: after.description !== before.description,
          },
          events: [roleEvent(after, 'role.updated', { permissions: after.permissions })],
        },
      ],
    };
  });
}

export async function deleteRole(
  ctx: CoreContext,
  actor: Actor,
  ref: string,
  options: { ifVersion?: number } = {},
) {
  await commit(ctx, async (tx) => {
    const role = await resolveRole(tx, ref);
    checkVersion('role', role.version, options.ifVersion);
    if (role.name === ADMIN_ROLE) {
      throw new TesseraError('ERR_VALIDATION', `role ${ADMIN_ROLE} cannot be deleted`, {
        detail: { field: 'name' },
      });
    }
    await tx.deleteRole(role.id);
    return {
      result: undefined,
      changes: [
        {
          actor,
          action: 'role.deleted',
          targetType: 'role',
          targetId: role.id,
          summary: { name: role.name },
          events: [roleEvent({ ...role, version: role.version + 1 }, 'role.deleted', {})],
        },
      ],
    };
  });
}

export async function getRole(ctx: CoreContext, ref: string): Promise<Role> {
  return resolveRole(ctx.store, ref);
}

export const listRoles = (ctx: CoreContext, options: ListOptions): Promise<Page<Role>> =>
  ctx.store.listRoles(options);

/** A role by id or by name. */
export async function resolveRole(tx: Pick<Tx, 'getRole' | 'getRoleByName'>, ref: string): Promise<Role> {
  const role = isUuid(ref) ? await tx.getRole(ref) : await tx.getRoleByName(ref);
  if (!role) throw notFound('role', ref);
  return role;
}
