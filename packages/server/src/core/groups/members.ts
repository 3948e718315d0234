/**
 * The membership step shared by the group operations: adds and removes members inside the
 * caller's transaction and builds what the change journals. Each user whose own grants change
 * gets an `aver` bump and a `user.access_changed` event, as in changeMembers.
 */
import type { Actor } from '../context.js';
import { invalid } from '../errors.js';
import type { Change } from '../journal.js';
import type { Group, NewLogEvent } from '../model.js';
import type { Tx } from '../ports.js';
import { accessChangedMany } from '../users/access.js';

/** Most members one request may add or remove; larger changes are split by the caller. */
export const MAX_MEMBER_CHANGE = 10_000;

export interface MemberChange {
  /** Removes every current member not in `add` first: the members become exactly `add`. */
  replace?: boolean;
  add?: readonly string[];
  remove?: readonly string[];
  /** A label per added member, as the SCIM client named it (`members[].display`). */
  displays?: ReadonlyMap<string, string>;
  /**
   * Leaves out user ids that name no user instead of failing with ERR_NOT_FOUND (SCIM: a member
   * reference to a user Tessera does not have is dropped, since a group holds users only).
   */
  ignoreUnknown?: boolean;
}

export interface MemberOutcome {
  added: string[];
  removed: string[];
  changes: Change[];
}

/** Pages through the members of a large group without holding more than their ids. */
const PAGE = 1000;

export async function applyMemberChange(
  tx: Tx,
  actor: Actor,
  group: Group,
  change: MemberChange,
): Promise<MemberOutcome> {
  const add = [...new Set(change.add ?? [])];
  const remove = new Set(change.remove ?? []);
  if (add.length > MAX_MEMBER_CHANGE || remove.size > MAX_MEMBER_CHANGE)
    throw invalid(`at most ${MAX_MEMBER_CHANGE} members per request`, 'members');
  const wanted = change.ignoreUnknown ? await tx.existingUserIds(add) : add;
  if (change.replace) {
    const keep = new Set(wanted);
    for (let cursor: string | null = null; ; ) {
      const page = await tx.listGroupMembers(group.id, { limit: PAGE, cursor });
      for (const id of page.items) if (!keep.has(id)) remove.add(id);
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
  }
  for (const id of wanted) remove.delete(id);
  const removed = remove.size === 0 ? [] : await tx.removeGroupMembers(group.id, [...remove]);
  const added = wanted.length === 0 ? [] : await tx.addGroupMembers(group.id, wanted, change.displays);
  const changes: Change[] = [];
  for (const [operation, users] of [
    ['add', added],
    ['remove', removed],
  ] as const) {
    if (users.length === 0) continue;
    const events: NewLogEvent[] = await accessChangedMany(tx, users, {
      reason: operation === 'add' ? 'group.member_added' : 'group.member_removed',
      group: group.displayName,
    });
    changes.push({
      actor,
      action: operation === 'add' ? 'group.members_added' : 'group.members_removed',
      targetType: 'group',
      targetId: group.id,
      summary: { count: users.length, users: users.slice(0, 100) },
      events,
    });
  }
  return { added, removed, changes };
}
