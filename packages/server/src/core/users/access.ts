import type { NewLogEvent, UserAccess } from '../model.js';
import type { Tx } from '../ports.js';

/**
 * Bumps the user's `aver` and builds the `user.access_changed` event that carries their new
 * effective access, so verifiers can re-evaluate tokens already issued to them.
 */
export async function accessChanged(
  tx: Tx,
  userId: string,
  reason: Record<string, unknown>,
): Promise<{ aver: number; access: UserAccess; event: NewLogEvent } | undefined> {
  const aver = await tx.bumpAver(userId);
  if (aver === undefined) return undefined;
  const user = await tx.getUser(userId);
  const access = await tx.userAccess(userId);
  return {
    aver,
    access,
    event: {
      type: 'user.access_changed',
      subjectType: 'user',
      subjectId: userId,
      subjectVersion: aver,
      data: { ...reason, active: user?.active ?? false, ...access },
    },
  };
}

/**
 * accessChanged for many users in a few statements (group membership changes of thousands of
 * users): one aver bump and one access read for all, one event each.
 */
export async function accessChangedMany(
  tx: Tx,
  userIds: readonly string[],
  reason: Record<string, unknown>,
): Promise<NewLogEvent[]> {
  const bumped = await tx.bumpAvers(userIds);
  const access = await tx.usersAccess([...bumped.keys()]);
  const events: NewLogEvent[] = [];
  for (const [userId, { aver, active }] of bumped) {
    events.push({
      type: 'user.access_changed',
      subjectType: 'user',
      subjectId: userId,
      subjectVersion: aver,
      data: { ...reason, active, ...access.get(userId) },
    });
  }
  return events;
}
