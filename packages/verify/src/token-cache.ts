import type { OverlayContext } from './overlay.js';
import type { Principal } from './principal.js';

/** A verified token, remembered until `until` (ms): never past its `exp`. */
export interface CachedToken {
  readonly principal: Principal;
  readonly context: OverlayContext;
  readonly kid: string | undefined;
  /** The key's material, to notice a key that left the JWKS. */
  readonly material: string;
  readonly until: number;
  /** The key set's version when the key was last seen in it. */
  keysVersion: number;
}

/**
 * A bounded, approximately-LRU map from the whole token string to its verification, in two
 * generations (as in hashlru/quick-lru): look-ups hit `young` first; an `old` hit is promoted;
 * when `young` fills up it becomes `old` and the previous `old` is dropped. Every operation is a
 * Map look-up or two, there is no per-hit reordering, and at most `maxEntries` tokens are held.
 */
export class TokenCache {
  private young = new Map<string, CachedToken>();
  private old = new Map<string, CachedToken>();
  private readonly generation: number;
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {
    this.generation = Math.max(1, Math.floor(maxEntries / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(token: string): CachedToken | undefined {
    const entry = this.young.get(token);
    if (entry !== undefined) return entry;
    const aged = this.old.get(token);
    if (aged !== undefined) {
      this.old.delete(token);
      this.put(token, aged);
    }
    return aged;
  }

  set(token: string, entry: CachedToken): void {
    this.old.delete(token);
    this.put(token, entry);
  }

  delete(token: string): void {
    this.young.delete(token);
    this.old.delete(token);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  private put(token: string, entry: CachedToken): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(token, entry);
  }
}
