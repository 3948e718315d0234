import type { LogEvent } from '../model.js';
import { applyKeySteps, changeKeys, type KeyContext, SYSTEM_ACTOR } from './apply.js';
import { generateKeyMaterial } from './generate.js';
import { planKeySteps } from './schedule.js';

/**
 * One step of the key schedule (see schedule.ts). Cheap when nothing is due: the plan is first
 * made from a plain read, and only a due step opens a transaction, so idle instances do not
 * queue on the journal lock every minute. The plan is then made again under the lock, from
 * what the instances before this one committed, which is what makes concurrent ticks safe.
 */
export async function runKeySchedule(ctx: KeyContext, now: Date): Promise<LogEvent[]> {
  const draft = planKeySteps(await ctx.store.listKeys(), now, ctx.policy);
  if (draft.length === 0) return [];
  const spare = await Promise.all(
    draft.filter((s) => s.kind === 'create').map(() => generateKeyMaterial(ctx.algorithm, ctx.vault)),
  );
  return changeKeys(ctx, now, (tx, keys) => applyKeySteps(ctx, tx, keys, now, SYSTEM_ACTOR, spare));
}
