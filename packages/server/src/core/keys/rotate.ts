import { TesseraError } from '../errors.js';
import { type Actor, KEY_ALGORITHMS, type KeyAlgorithm, type LogEvent } from '../model.js';
import { applyKeySteps, changeKeys, type KeyContext, keyEvent, newKey } from './apply.js';
import { generateKeyMaterial } from './generate.js';

export interface RotateOptions {
  /** Algorithm of the new key; default: the configured one. Later scheduled keys use the configured one. */
  algorithm?: KeyAlgorithm;
  /**
   * `false` (default): the new key is published now and signs after `publishAheadMs`, like a
   * scheduled rotation, so no verifier ever meets a kid it has not cached.
   * `true`: it signs at once and the current key retires now (it stays published until its
   * tokens expire). Verifiers holding a cached JWKS see an unknown kid and must refetch; use it
   * when the current key is suspect, together with revoking that key.
   */
  immediate?: boolean;
}

/** Forced rotation (`tessera keys rotate`). Returns the new key's kid and when it signs. */
export async function rotateKeys(
  ctx: KeyContext,
  actor: Actor,
  now: Date,
  options: RotateOptions = {},
): Promise<{ kid: string; activateAt: Date; events: LogEvent[] }> {
  const alg = options.algorithm ?? ctx.algorithm;
  if (!KEY_ALGORITHMS.includes(alg)) throw new TypeError(`unsupported key algorithm ${String(alg)}`);
  const material = await generateKeyMaterial(alg, ctx.vault);
  const activateAt = options.immediate ? now : new Date(now.getTime() + ctx.policy.publishAheadMs);
  const key = newKey(material, now, activateAt);
  const events = await changeKeys(ctx, now, async (tx, keys) => {
    if (keys.some((k) => k.kid === key.kid)) throw new TesseraError('ERR_CONFLICT', `key ${key.kid} exists`);
    await tx.insertKey(key);
    const created = {
      actor,
      action: 'key.created',
      targetType: 'key',
      targetId: key.kid,
      summary: {
        kid: key.kid,
        alg,
        activateAt: activateAt.toISOString(),
        forced: true,
        immediate: !!options.immediate,
      },
      events: [keyEvent('key.created', key)],
    };
    // The schedule then does the rest: with `immediate`, it retires the old key and announces the
    // new one as active; otherwise it finds a pending successor and has nothing to do.
    return [created, ...(await applyKeySteps(ctx, tx, [...keys, key], now, actor, [], key.kid))];
  });
  return { kid: key.kid, activateAt, events };
}
