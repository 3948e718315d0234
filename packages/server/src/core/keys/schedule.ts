/**
 * The signing-key schedule as a pure function of the stored keys and the time, so every
 * decision is testable without a store and is re-taken, identically, by whichever instance
 * holds the journal lock. Policy, after better-auth's JWKS plugin and RFC 8725 §3.x guidance:
 * publish a key before it signs, keep it published until everything it signed has expired.
 */
import type { SigningKey } from '../model.js';

export interface RotationPolicy {
  /** How long a key signs before its successor takes over. */
  rotationIntervalMs: number;
  /** How long a successor is published before it signs (verifiers cache JWKS). */
  publishAheadMs: number;
  /** The longest lifetime of any token a key signed. */
  maxTokenLifetimeMs: number;
  /** Extra time a retired key stays published (clock skew, slow caches). */
  retireGraceMs: number;
}

export type KeyStep =
  /** Generate a key that signs from `activateAt` (now: immediately). */
  | { kind: 'create'; activateAt: Date }
  /** `kid` becomes the signing key; `early` moves its activateAt forward to now. */
  | { kind: 'activate'; kid: string; early: boolean }
  /** `kid` stops signing; it stays published until `removeAt`. */
  | { kind: 'retire'; kid: string; removeAt: Date }
  /** `kid` leaves the store (and so the JWKS). */
  | { kind: 'remove'; kid: string };

const byActivationDesc = (a: SigningKey, b: SigningKey): number =>
  b.activateAt.getTime() - a.activateAt.getTime() || b.createdAt.getTime() - a.createdAt.getTime();

/** The key that signs at `now`: the most recently activated one that is neither retired nor revoked. */
export function currentKey(keys: readonly SigningKey[], now: Date, prefer?: string): SigningKey | undefined {
  const candidates = keys
    .filter((k) => !k.revokedAt && !k.retiredAt && k.activateAt <= now)
    .sort(byActivationDesc);
  return candidates.find((k) => k.kid === prefer) ?? candidates[0];
}

/** When a key leaves the store: its removeAt, or for a revoked key without one, revocation + lifetime + grace. */
export function removalTime(key: SigningKey, policy: RotationPolicy): Date | null {
  if (key.removeAt) return key.removeAt;
  if (key.revokedAt)
    return new Date(key.revokedAt.getTime() + policy.maxTokenLifetimeMs + policy.retireGraceMs);
  return null;
}

/**
 * What the schedule requires now, in order. Empty when nothing is due, which is what makes
 * `tick()` idempotent. `prefer` names a key just created by a forced rotation, so it wins a tie
 * on activateAt against its predecessor.
 */
export function planKeySteps(
  keys: readonly SigningKey[],
  now: Date,
  policy: RotationPolicy,
  prefer?: string,
): KeyStep[] {
  const steps: KeyStep[] = [];
  const t = now.getTime();
  const retireUntil = new Date(t + policy.maxTokenLifetimeMs + policy.retireGraceMs);

  for (const key of keys) {
    const removeAt = removalTime(key, policy);
    if (removeAt && removeAt <= now) steps.push({ kind: 'remove', kid: key.kid });
  }

  const live = keys.filter((k) => !k.revokedAt && !k.retiredAt);
  const pending = live.filter((k) => k.activateAt > now).sort((a, b) => -byActivationDesc(a, b));
  let current = currentKey(live, now, prefer);
  let dueFrom: number;

  if (current) {
    for (const key of live) {
      if (key !== current && key.activateAt <= now)
        steps.push({ kind: 'retire', kid: key.kid, removeAt: retireUntil });
    }
    // A scheduled successor whose time has come takes over: announce it once, with the retirement.
    if (steps.some((s) => s.kind === 'retire'))
      steps.push({ kind: 'activate', kid: current.kid, early: false });
    dueFrom = current.activateAt.getTime();
  } else if (pending[0]) {
    // The signing key was revoked (or never existed) while a successor waits: the successor has
    // been published longest, so it beats a key nobody has seen yet.
    current = pending[0];
    pending.shift();
    steps.push({ kind: 'activate', kid: current.kid, early: true });
    dueFrom = t;
  } else {
    steps.push({ kind: 'create', activateAt: now });
    dueFrom = t;
  }

  const due = dueFrom + policy.rotationIntervalMs;
  if (pending.length === 0 && due - policy.publishAheadMs <= t) {
    // After downtime the due time may be less than publishAheadMs away; the successor still gets
    // its full publication window, and the current key signs a little longer instead.
    steps.push({ kind: 'create', activateAt: new Date(Math.max(due, t + policy.publishAheadMs)) });
  }
  return steps;
}
