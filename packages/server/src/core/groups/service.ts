import { type Actor, type CoreContext, checkVersion, commit, conflictLost } from '../context.js';
import { invalid, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import type { Group, ListOptions, Page } from '../model.js';
import type { GroupFilter, Tx } from '../ports.js';
import { optionalText, text } from '../validate.js';
import { createGroupWithMembers } from './create-with-members.js';
import { type GroupInput, groupEvent } from './group.js';
import { applyMemberChange, MAX_MEMBER_CHANGE } from './members.js';

export type { GroupInput };
export { groupEvent, MAX_MEMBER_CHANGE };

/** A group without members; createGroupWithMembers is the same operation with some. */
export const createGroup = (ctx: CoreContext, actor: Actor, input: GroupInput): Promise<Group> =>
  createGroupWithMembers(ctx, actor, input, {});

export async function updateGroup(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  changes: Partial<GroupInput>,
  options: { ifVersion?: number } = {},
): Promise<Group> {
  return commit(ctx, async (tx, now) => {
    const before = await loadGroup(tx, id);
    checkVersion('group', before.version, options.ifVersion);
    const after: Group = {
      ...before,
      displayName: 'displayName' in changes ? text(changes.displayName, 'displayName') : before.displayName,
      externalId:
        'externalId' in changes ? optionalText(changes.externalId, 'externalId') : before.externalId,
    };
    const changed = (['displayName', 'externalId'] as const).filter((k) => after[k] !== before[k]);
    if (changed.length === 0) return { result: before, changes: [] };
    after.version = before.version + 1;
    after.updatedAt = now;
    if (!(await tx.updateGroup(after, before.version))) throw conflictLost('group');
    return {
      result: after,
      changes: [
        {
          actor,
          action: 'group.updated',
          targetType: 'group',
          targetId: id,
          summary: { changed },
          events: [groupEvent(after, 'group.updated', { changed })],
        },
      ],
    };
  });
}

/** Deleting a group is one event: members lose its roles through the catalog, not one write each. */
export async function deleteGroup(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  options: { ifVersion?: number } = {},
) {
  await commit(ctx, async (tx) => {
    const group = await loadGroup(tx, id);
    checkVersion('group', group.version, options.ifVersion);
    await tx.deleteGroup(id);
    return {
      result: undefined,
      changes: [
        {
          actor,
          action: 'group.deleted',
          targetType: 'group',
          targetId: id,
          summary: { displayName: group.displayName },
          events: [groupEvent({ ...group, version: group.version + 1 }, 'group.deleted')],
        },
      ],
    };
  });
}

export async function getGroup(ctx: CoreContext, id: string): Promise<Group> {
  return loadGroup(ctx.store, id);
}

export const listGroups = (
  ctx: CoreContext,
  options: ListOptions & { filter?: GroupFilter },
): Promise<Page<Group>> => ctx.store.listGroups(options);

export async function listGroupMembers(
  ctx: CoreContext,
  id: string,
  options: ListOptions,
): Promise<Page<string>> {
  await loadGroup(ctx.store, id);
  return ctx.store.listGroupMembers(id, options);
}

/**
 * Adds or removes members. Each affected user's own grants change, so each gets an `aver` bump
 * and a `user.access_changed` event; users already in (or not in) the group are left alone.
 * Members are part of the group, so its version (its ETag) is bumped too.
 */
export async function changeMembers(
  ctx: CoreContext,
  actor: Actor,
  groupId: string,
  operation: 'add' | 'remove',
  userIds: readonly string[],
): Promise<string[]> {
  if (userIds.length > MAX_MEMBER_CHANGE)
    throw invalid(`at most ${MAX_MEMBER_CHANGE} members per request`, 'members');
  return commit(ctx, async (tx) => {
    const group = await loadGroup(tx, groupId);
    const outcome = await applyMemberChange(
      tx,
      actor,
      group,
      operation === 'add' ? { add: userIds } : { remove: userIds },
    );
    const changed = operation === 'add' ? outcome.added : outcome.removed;
    if (changed.length > 0) await tx.bumpGroupVersion(groupId);
    return { result: changed, changes: outcome.changes };
  });
}

export async function loadGroup(tx: Pick<Tx, 'getGroup'>, id: string): Promise<Group> {
  const group = isUuid(id) ? await tx.getGroup(id) : undefined;
  if (!group) throw notFound('group', id);
  return group;
}
