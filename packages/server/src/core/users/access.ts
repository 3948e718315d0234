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
