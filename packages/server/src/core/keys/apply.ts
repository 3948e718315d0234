import type { Change } from '../journal.js';
import { record } from '../journal.js';
import type { Actor, KeyAlgorithm, LogEvent, NewLogEvent, SigningKey } from '../model.js';
import type { KeyVault, Store, Tx } from '../ports.js';
import { generateKeyMaterial, type KeyMaterial } from './generate.js';
import { type KeyStep, planKeySteps, type RotationPolicy } from './schedule.js';

/** What the key operations run on (the KeyRing's options, minus its caches). */
export interface KeyContext {
  store: Store;
  vault: KeyVault;
  algorithm: KeyAlgorithm;
  policy: RotationPolicy;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'tessera' };

/**
 * Key events carry a life-stage number as `subjectVersion` (keys have no version of their own):
 * created 1, activated 2, retired 3, revoked 4. Verifiers use `data.kid`.
 */
const STAGE = { 'key.created': 1, 'key.activated': 2, 'key.retired': 3, 'key.revoked': 4 } as const;

export function keyEvent(type: keyof typeof STAGE, key: SigningKey): NewLogEvent {
  return {
    type,
    subjectType: 'key',
    subjectId: key.kid,
    subjectVersion: STAGE[type],
    data: {
      kid: key.kid,
      alg: key.alg,
      activateAt: key.activateAt.toISOString(),
      removeAt: key.removeAt?.toISOString() ?? null,
    },
  };
}

const change = (actor: Actor, action: string, key: SigningKey, events: NewLogEvent[]): Change => ({
  actor,
  action,
  targetType: 'key',
  targetId: key.kid,
  summary: { kid: key.kid, alg: key.alg, activateAt: key.activateAt.toISOString() },
  events,
});

export function newKey(material: KeyMaterial, now: Date, activateAt: Date): SigningKey {
  return {
    kid: material.kid,
    alg: material.alg,
    publicJwk: material.publicJwk as Record<string, unknown>,
    privateKeySealed: material.privateKeySealed,
    createdAt: now,
    activateAt,
    retiredAt: null,
    removeAt: null,
    revokedAt: null,
  };
}

/**
 * Runs one key change in a transaction: takes the journal lock first, so several instances on
 * one database decide in turn and each sees what the previous one committed, then lets `fn`
 * read the keys and write, then journals the changes in the same transaction. Returns the
 * committed events (to publish in-process).
 */
export async function changeKeys(
  ctx: KeyContext,
  now: Date,
  fn: (tx: Tx, keys: SigningKey[]) => Promise<Change[]>,
): Promise<LogEvent[]> {
  return ctx.store.transaction(async (tx) => {
    await tx.lockJournal();
    const changes = await fn(tx, await tx.listKeys());
    const events: LogEvent[] = [];
    for (const c of changes) events.push(...(await record(tx, c, now)).events);
    return events;
  });
}

/**
 * Applies the schedule's steps inside a transaction. `spare` holds key material generated
 * before the transaction (RSA generation takes a noticeable fraction of a second and must not
 * hold the journal lock); more is generated only if the plan changed meanwhile.
 */
export async function applyKeySteps(
  ctx: KeyContext,
  tx: Tx,
  keys: readonly SigningKey[],
  now: Date,
  actor: Actor,
  spare: KeyMaterial[],
  prefer?: string,
): Promise<Change[]> {
  const changes: Change[] = [];
  const byKid = new Map(keys.map((k) => [k.kid, k]));
  for (const step of planKeySteps(keys, now, ctx.policy, prefer)) {
    changes.push(await applyStep(ctx, tx, step, byKid, now, actor, spare));
  }
  return changes;
}

async function applyStep(
  ctx: KeyContext,
  tx: Tx,
  step: KeyStep,
  byKid: Map<string, SigningKey>,
  now: Date,
  actor: Actor,
  spare: KeyMaterial[],
): Promise<Change> {
  if (step.kind === 'create') {
    const material = spare.shift() ?? (await generateKeyMaterial(ctx.algorithm, ctx.vault));
    const key = newKey(material, now, step.activateAt);
    await tx.insertKey(key);
    const events = [keyEvent('key.created', key)];
    if (key.activateAt <= now) events.push(keyEvent('key.activated', key));
    return change(actor, 'key.created', key, events);
  }
  const before = byKid.get(step.kid);
  if (!before) throw new Error(`key ${step.kid} vanished inside its own transaction`);
  switch (step.kind) {
    case 'remove':
      await tx.deleteKey(step.kid);
      // Leaving the JWKS is the end of a schedule every verifier already knows; audit only.
      return change(actor, 'key.removed', before, []);
    case 'retire': {
      const key = { ...before, retiredAt: now, removeAt: step.removeAt };
      await tx.updateKey(key);
      return {
        ...change(actor, 'key.retired', key, [keyEvent('key.retired', key)]),
        summary: retiredSummary(key),
      };
    }
    case 'activate': {
      const key = step.early ? { ...before, activateAt: now } : before;
      if (step.early) await tx.updateKey(key);
      return change(actor, 'key.activated', key, [keyEvent('key.activated', key)]);
    }
  }
}

const retiredSummary = (key: SigningKey): Record<string, unknown> => ({
  kid: key.kid,
  alg: key.alg,
  retiredAt: key.retiredAt?.toISOString(),
  removeAt: key.removeAt?.toISOString(),
});
