/**
 * Creates many users as one batch (SCIM Bulk): each user is its own change — its own audit row,
 * chained in order, and its own `user.created` event — and fails alone, but the batch is written
 * in one transaction with multi-row statements instead of a transaction per user.
 *
 * A user fails alone because every failure is found before anything is written: invalid input,
 * a userName used twice in the batch, a userName already taken (read inside the transaction,
 * which on SQLite holds the write lock). Should the write fail anyway (another PostgreSQL
 * connection took a userName after the check), the transaction rolls back whole and the batch is
 * replayed one createUser at a time, so no user is half-created and none is lost.
 */
import type { Actor, CoreContext } from '../context.js';
import { isTesseraError, TesseraError } from '../errors.js';
import { recordAll } from '../journal.js';
import type { LogEvent, User } from '../model.js';
import { createUser, newUser, userCreated } from './service.js';
import { type UserAttributeOptions, type UserAttributes, type UserInput, userAttributes } from './user.js';

export type Created = User | TesseraError;

export interface CreateUsersOptions extends UserAttributeOptions {
  /** Stop after this many failures: the inputs after it are not created and have no result. */
  maxErrors?: number;
}

const taken = () =>
  new TesseraError('ERR_CONFLICT', 'a user with this userName already exists', {
    detail: { field: 'userName' },
  });

/** One result per input, in order (fewer when `maxErrors` stopped the batch): the user or the error. */
export async function createUsers(
  ctx: CoreContext,
  actor: Actor,
  inputs: readonly UserInput[],
  options: CreateUsersOptions = {},
): Promise<Created[]> {
  const maxErrors = options.maxErrors ?? Number.POSITIVE_INFINITY;
  const checked: (UserAttributes | TesseraError)[] = inputs.map((input) => {
    try {
      return userAttributes(input, undefined, options);
    } catch (err) {
      if (isTesseraError(err)) return err;
      throw err;
    }
  });
  try {
    return await batch(ctx, actor, checked, maxErrors);
  } catch (err) {
    if (!isTesseraError(err) || err.code !== 'ERR_CONFLICT') throw err;
    return oneByOne(ctx, actor, inputs, checked, options, maxErrors);
  }
}

async function batch(
  ctx: CoreContext,
  actor: Actor,
  checked: readonly (UserAttributes | TesseraError)[],
  maxErrors: number,
): Promise<Created[]> {
  const now = ctx.clock.now();
  let published: LogEvent[] = [];
  const results = await ctx.store.transaction(async (tx) => {
    const names = checked.flatMap((c) => (c instanceof TesseraError ? [] : [c.userName]));
    const used = names.length === 0 ? new Set<string>() : await tx.takenUserNames(names);
    const out: Created[] = [];
    let errors = 0;
    for (const attributes of checked) {
      if (errors >= maxErrors) break;
      let result: Created;
      if (attributes instanceof TesseraError) result = attributes;
      else if (used.has(attributes.userName.toLowerCase())) result = taken();
      else {
        used.add(attributes.userName.toLowerCase());
        result = newUser(attributes, now);
      }
      if (result instanceof TesseraError) errors++;
      out.push(result);
    }
    const users = out.filter((r): r is User => !(r instanceof TesseraError));
    if (users.length > 0) {
      await tx.insertUsers(users);
      published = await recordAll(
        tx,
        users.map((user) => userCreated(actor, user)),
        now,
      );
    }
    return out;
  });
  ctx.bus.publish(published);
  return results;
}

async function oneByOne(
  ctx: CoreContext,
  actor: Actor,
  inputs: readonly UserInput[],
  checked: readonly (UserAttributes | TesseraError)[],
  options: UserAttributeOptions,
  maxErrors: number,
): Promise<Created[]> {
  const out: Created[] = [];
  let errors = 0;
  for (const [i, input] of inputs.entries()) {
    if (errors >= maxErrors) break;
    const attributes = checked[i];
    let result: Created;
    if (attributes instanceof TesseraError) result = attributes;
    else {
      try {
        result = await createUser(ctx, actor, input, options);
      } catch (err) {
        if (!isTesseraError(err)) throw err;
        result = err;
      }
    }
    if (result instanceof TesseraError) errors++;
    out.push(result);
  }
  return out;
}
