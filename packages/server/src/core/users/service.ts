import { type Actor, type CoreContext, checkVersion, commit, conflictLost } from '../context.js';
import { notFound } from '../errors.js';
import { isUuid, uuidv7 } from '../ids.js';
import type { Change } from '../journal.js';
import type { ListOptions, Page, User, UserAccess } from '../model.js';
import type { Tx, UserFilter } from '../ports.js';
import { accessChanged } from './access.js';
import {
  changedAttributes,
  type UserAttributeOptions,
  type UserAttributes,
  type UserInput,
  userAttributes,
} from './user.js';

export async function createUser(
  ctx: CoreContext,
  actor: Actor,
  input: UserInput,
  options: UserAttributeOptions = {},
): Promise<User> {
  const attributes = userAttributes(input, undefined, options);
  return commit(ctx, async (tx, now) => {
    const user = newUser(attributes, now);
    await tx.insertUser(user);
    return { result: user, changes: [userCreated(actor, user)] };
  });
}

/** A user as created at `now` (also used by createUsers). */
export const newUser = (attributes: UserAttributes, now: Date): User => ({
  id: uuidv7(now.getTime()),
  ...attributes,
  aver: 1,
  version: 1,
  createdAt: now,
  updatedAt: now,
});

/** The audit row and event of a user's creation (also used by createUsers). */
export const userCreated = (actor: Actor, user: User): Change => ({
  actor,
  action: 'user.created',
  targetType: 'user',
  targetId: user.id,
  summary: { userName: user.userName, active: user.active },
  events: [
    {
      type: 'user.created',
      subjectType: 'user',
      subjectId: user.id,
      subjectVersion: user.aver,
      data: { userName: user.userName, active: user.active },
    },
  ],
});

export async function getUser(ctx: CoreContext, id: string): Promise<User> {
  const user = isUuid(id) ? await ctx.store.getUser(id) : undefined;
  if (!user) throw notFound('user', id);
  return user;
}

export const listUsers = (
  ctx: CoreContext,
  options: ListOptions & { filter?: UserFilter },
): Promise<Page<User>> => ctx.store.listUsers(options);

/**
 * Changes a user's attributes. `changes` holds only what changes (a PUT passes every field).
 * Disabling or enabling bumps `aver` and tells verifiers, in the same transaction.
 */
export async function updateUser(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  changes: Partial<UserInput>,
  options: { ifVersion?: number } & UserAttributeOptions = {},
): Promise<User> {
  return commit(ctx, async (tx, now) => {
    const before = await loadUser(tx, id);
    checkVersion('user', before.version, options.ifVersion);
    const attributes = userAttributes(changes, before, options);
    const changed = changedAttributes(before, attributes);
    if (changed.length === 0) return { result: before, changes: [] };
    const updated: User = { ...before, ...attributes, version: before.version + 1, updatedAt: now };
    if (!(await tx.updateUser(updated, before.version))) throw conflictLost('user');
    const events = [
      {
        type: 'user.updated' as const,
        subjectType: 'user' as const,
        subjectId: id,
        subjectVersion: updated.aver,
        data: { changed },
      },
    ];
    if (changed.includes('active')) {
      const access = await accessChanged(tx, id, {
        reason: updated.active ? 'user.enabled' : 'user.disabled',
      });
      if (access) {
        updated.aver = access.aver;
        events.push(access.event as (typeof events)[number]);
      }
    }
    return {
      result: updated,
      changes: [
        {
          actor,
          action: changed.includes('active')
            ? updated.active
              ? 'user.enabled'
              : 'user.disabled'
            : 'user.updated',
          targetType: 'user',
          targetId: id,
          summary: { changed },
          events,
        },
      ],
    };
  });
}

export async function deleteUser(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  options: { ifVersion?: number } = {},
) {
  await commit(ctx, async (tx) => {
    const user = await loadUser(tx, id);
    checkVersion('user', user.version, options.ifVersion);
    await tx.deleteUser(id);
    return {
      result: undefined,
      changes: [
        {
          actor,
          action: 'user.deleted',
          targetType: 'user',
          targetId: id,
          summary: { userName: user.userName },
          events: [
            {
              type: 'user.deleted',
              subjectType: 'user',
              subjectId: id,
              subjectVersion: user.aver + 1,
              data: {},
            },
          ],
        },
      ],
    };
  });
}

export async function getUserAccess(ctx: CoreContext, id: string): Promise<UserAccess & { aver: number }> {
  const user = await getUser(ctx, id);
  return { aver: user.aver, ...(await ctx.store.userAccess(id)) };
}

export async function loadUser(tx: Tx, id: string): Promise<User> {
  const user = isUuid(id) ? await tx.getUser(id) : undefined;
  if (!user) throw notFound('user', id);
  return user;
}
