import { type Actor, type CoreContext, commit } from '../context.js';
import { uuidv7 } from '../ids.js';
import type { Group } from '../model.js';
import { optionalText, text } from '../validate.js';
import { type GroupInput, groupEvent } from './group.js';
import { applyMemberChange, type MemberChange } from './members.js';

/**
 * Creates a group with its first members in one transaction (a SCIM POST with `members`): the
 * group and its members exist together or not at all.
 */
export async function createGroupWithMembers(
  ctx: CoreContext,
  actor: Actor,
  input: GroupInput,
  members: Pick<MemberChange, 'add' | 'displays' | 'ignoreUnknown'>,
): Promise<Group> {
  const displayName = text(input.displayName, 'displayName');
  const externalId = optionalText(input.externalId, 'externalId');
  return commit(ctx, async (tx, now) => {
    const group: Group = {
      id: uuidv7(now.getTime()),
      displayName,
      externalId,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insertGroup(group);
    const outcome = await applyMemberChange(tx, actor, group, members);
    return {
      result: group,
      changes: [
        {
          actor,
          action: 'group.created',
          targetType: 'group',
          targetId: group.id,
          summary: { displayName },
          events: [groupEvent(group, 'group.created')],
        },
        ...outcome.changes,
      ],
    };
  });
}
