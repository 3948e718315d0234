/**
 * This process's memory of the refresh-token families it rotated last, as it left them, so the
 * next use of a family's token here needs no read of the store (on SQLite with several
 * workers, that read re-read its pages after every other worker's commit: about 6 % of a
 * rotation's time).
 *
 * What is remembered may be stale: another process may have rotated or revoked the family
 * since. It is therefore only ever used to go ahead, never to refuse:
 *   - it answers only for a token that is the family's current one as remembered; anything
 *     else is read from the store;
 *   - a refusal decided on a remembered family (the idle lifetime) is decided again on the
 *     store's row before it is given (grants/refresh-token.ts);
 *   - going ahead ends in the rotation's compare-and-set on the family row (current hash
 *     unchanged, not revoked), which fails on a stale memory, and the rotation then reads
 *     the row and decides as if nothing had been remembered (rotate.ts).
 */
import type { RefreshFamily } from './ports.js';
import { standingIn } from './tokens.js';

export const FAMILY_CACHE_SIZE = 10_000;

export class RefreshFamilyCache {
  readonly #families = new Map<string, RefreshFamily>();
  readonly #max: number;

  constructor(max = FAMILY_CACHE_SIZE) {
    this.#max = max;
  }

  /** The family as last written here, when `hash` is its current token there; else undefined. */
  current(familyId: string, hash: string): RefreshFamily | undefined {
    const family = this.#families.get(familyId);
    return family !== undefined && standingIn(family, hash) === 'current' ? family : undefined;
  }

  /** Remembers a family as just written by this process (the least recently written goes first). */
  remember(family: RefreshFamily): void {
    this.#families.delete(family.id);
    this.#families.set(family.id, family);
    if (this.#families.size > this.#max) this.#families.delete(this.#families.keys().next().value as string);
  }

  forget(familyId: string): void {
    this.#families.delete(familyId);
  }

  get size(): number {
    return this.#families.size;
  }
}
