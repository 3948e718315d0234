import { type Actor, type CoreContext, checkVersion, commit, conflictLost } from '../context.js';
import type { Change } from '../journal.js';
import type { Group } from '../model.js';
import { optionalText, text } from '../validate.js';
import { type GroupInput, groupEvent } from './group.js';
import { applyMemberChange, type MemberChange } from './members.js';
import { loadGroup } from './service.js';

export interface GroupChange {
  attributes?: Partial<GroupInput>;
  members?: MemberChange;
}

/**
 * Changes a group's attributes and members in one transaction, so that a request carrying
 * several changes (a SCIM PUT or PATCH) applies all of them or none. The group's version is
 * bumped once when anything changed; membership changes journal as `group.members_added` /
 * `group.members_removed` with one `user.access_changed` per affected user.
 */
export async function modifyGroup(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  change: GroupChange,
  options: { ifVersion?: number } = {},
): Promise<Group> {
  const attributes = change.attributes ?? {};
  return commit(ctx, async (tx, now) => {
    const before = await loadGroup(tx, id);
    checkVersion('group', before.version, options.ifVersion);
    const after: Group = {
      ...before,
      displayName:
        'displayName' in attributes ? text(attributes.displayName, 'displayName') : before.displayName,
      externalId:
        'externalId' in attributes ? optionalText(attributes.externalId, 'externalId') : before.externalId,
    };
    const changed = (['displayName', 'externalId'] as const).filter((k) => after[k] !== before[k]);
    // Attributes first: member events name the group by its new displayName.
    const members = change.members
      ? await applyMemberChange(tx, actor, after, change.members)
      : { added: [], removed: [], changes: [] };
    if (changed.length === 0 && members.changes.length === 0) return { result: before, changes: [] };
    after.version = before.version + 1;
    after.updatedAt = now;
    if (!(await tx.updateGroup(after, before.version))) throw conflictLost('group');
    const changes: Change[] = [];
    if (changed.length > 0) {
      changes.push({
        actor,
        action: 'group.updated',
        targetType: 'group',
        targetId: id,
        summary: { changed },
        events: [groupEvent(after, 'group.updated', { changed })],
      });
    }
    changes.push(...members.changes);
    return { result: after, changes };
  });
}
