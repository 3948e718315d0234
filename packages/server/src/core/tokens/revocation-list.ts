/**
 * Revoked token ids, for Tessera's own APIs: the admin API, SCIM and the event stream accept only
 * Tessera's tokens, and must refuse one revoked by jti as every live verifier does. Fed by the
 * event feed (so a revocation made on another instance counts too), primed from the event log at
 * start, and bounded: an id is forgotten once its token has expired.
 */
import type { EventBus } from '../events.js';
import { type EventFeed, replayEventsSince } from '../feed.js';
import type { LogEvent } from '../model.js';
import type { Clock, Queries } from '../ports.js';

export class RevocationList {
  readonly #revoked = new Map<string, number>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Reads the revocations of the last `windowMs` from the log, then follows the feed (every
   * instance's commits) and, for this instance's own commits without the feed's read delay, the bus.
   */
  async start(
    store: Pick<Queries, 'eventPositionBefore' | 'readEvents'>,
    feed: EventFeed,
    windowMs: number,
    bus?: EventBus,
  ) {
    feed.subscribe((events) => this.#apply(events));
    bus?.subscribe((events) => this.#apply(events));
    await replayEventsSince(store, new Date(this.#clock.now().getTime() - windowMs), (events) =>
      this.#apply(events),
    );
    const sweep = setInterval(() => this.#sweep(), 60_000);
    sweep.unref();
    return () => clearInterval(sweep);
  }

  isRevoked(jti: string): boolean {
    return this.#revoked.has(jti);
  }

  #apply(events: readonly LogEvent[]): void {
    for (const event of events) {
      if (event.type !== 'token.revoked') continue;
      const exp = typeof event.data.exp === 'number' ? event.data.exp : 0;
      this.#revoked.set(event.subjectId, exp);
    }
  }

  #sweep(): void {
    const now = this.#clock.now().getTime() / 1000;
    for (const [jti, exp] of this.#revoked) if (exp < now) this.#revoked.delete(jti);
  }
}
