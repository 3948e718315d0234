import type { JWK } from 'jose';
import type { SigningKey } from '../model.js';
import { publicMembers } from './generate.js';

export interface JwkSet {
  keys: JWK[];
}

/**
 * The JWKS at `now` (RFC 7517 §5): every key neither revoked nor past removeAt, published
 * keys that do not sign yet included (that is the point of publishing ahead). Only public
 * members are copied from storage, plus kid, alg (pinned per key) and use. Also returns when
 * the set next changes on its own (the earliest future removeAt), for caching.
 */
export function buildJwks(keys: Iterable<SigningKey>, now: Date): { jwks: JwkSet; changesAt: number } {
  const t = now.getTime();
  let changesAt = Number.POSITIVE_INFINITY;
  const out: JWK[] = [];
  for (const key of keys) {
    if (key.revokedAt) continue;
    const removeAt = key.removeAt?.getTime();
    if (removeAt !== undefined && removeAt <= t) continue;
    if (removeAt !== undefined) changesAt = Math.min(changesAt, removeAt);
    out.push(Object.freeze({ ...publicMembers(key.publicJwk), kid: key.kid, alg: key.alg, use: 'sig' }));
  }
  return { jwks: Object.freeze({ keys: Object.freeze(out) as JWK[] }), changesAt };
}
