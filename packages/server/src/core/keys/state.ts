import type { KeyAlgorithm, SigningKey } from '../model.js';

export type KeyState = 'published' | 'active' | 'retired' | 'revoked';

export interface KeyInfo {
  kid: string;
  alg: KeyAlgorithm;
  state: KeyState;
  createdAt: Date;
  activateAt: Date;
  retiredAt: Date | null;
  removeAt: Date | null;
}

/**
 * A key's state at `now`. A key whose successor has started signing counts as retired even
 * before the next tick writes its retiredAt: it signs nothing from the successor's activateAt.
 */
export function keyState(key: SigningKey, now: Date, currentKid: string | undefined): KeyState {
  if (key.revokedAt) return 'revoked';
  if (key.retiredAt) return 'retired';
  if (key.kid === currentKid) return 'active';
  return key.activateAt > now ? 'published' : 'retired';
}
