/**
 * Follows the event log as it commits, wherever it commits: this process (the EventBus),
 * another instance on the same PostgreSQL (LISTEN/NOTIFY through `store.watchEvents`), or a
 * process with no way to tell (the CLI on a shared SQLite file: a poll). Whatever woke it, the
 * feed reads the log itself, after the last position it delivered, so every subscriber gets
 * every event exactly once and in position order — the log, not the wake-up, is the content.
 */
import type { EventBus } from './events.js';
import type { LogEvent } from './model.js';
import type { Store } from './ports.js';

export type FeedListener = (events: readonly LogEvent[]) => void;

/**
 * Hands `apply` every event logged since `since`, in position order, a page at a time: how a
 * follower that only cares about recent events (revoked jtis, say) primes itself at start,
 * before the feed brings it the rest.
 */
export async function replayEventsSince(
  store: Pick<Store, 'eventPositionBefore' | 'readEvents'>,
  since: Date,
  apply: FeedListener,
  pageSize = 500,
): Promise<void> {
  let after = await store.eventPositionBefore(since);
  for (;;) {
    const page = await store.readEvents(after, pageSize);
    apply(page);
    if (page.length < pageSize) return;
    after = page[page.length - 1]?.position ?? after;
  }
}

export interface EventFeedOptions {
  store: Pick<Store, 'readEvents' | 'lastEventPosition' | 'watchEvents'>;
  /** Commits of this process wake the feed at once. */
  bus?: EventBus;
  /** Safety-net poll (ms). Default 1000 without store.watchEvents (SQLite), 5000 with it. */
  pollMs?: number;
  /** Events read per query. Default 500. */
  batch?: number;
  /** Told about read failures (the feed retries on the next wake-up). */
  onError?: (err: unknown) => void;
}

export class EventFeed {
  readonly #options: EventFeedOptions;
  readonly #listeners = new Set<FeedListener>();
  #position = 0;
  #reading: Promise<void> | undefined;
  #again = false;
  #stops: (() => Promise<void> | void)[] = [];

  constructor(options: EventFeedOptions) {
    this.#options = options;
  }

  /** Starts following from the log's current end. */
  async start(): Promise<void> {
    const { store, bus } = this.#options;
    this.#position = await store.lastEventPosition();
    if (bus) this.#stops.push(bus.subscribe(() => this.wake()));
    if (store.watchEvents) this.#stops.push(await store.watchEvents(() => this.wake()));
    const timer = setInterval(() => this.wake(), this.#options.pollMs ?? (store.watchEvents ? 5000 : 1000));
    timer.unref();
    this.#stops.push(() => clearInterval(timer));
  }

  /** The last position delivered to subscribers. */
  get position(): number {
    return this.#position;
  }

  /** Delivers every event after `position` (at subscription time) to `listener`, in order. */
  subscribe(listener: FeedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Something may have committed: read the log (coalesced; one read runs at a time). */
  wake(): void {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = this.#drain().finally(() => {
      this.#reading = undefined;
    });
  }

  /** Resolves once everything committed before the call has been delivered. */
  async settle(): Promise<void> {
    this.wake();
    while (this.#reading) await this.#reading;
  }

  async close(): Promise<void> {
    const stops = this.#stops.splice(0);
    for (const stop of stops) await stop();
    this.#listeners.clear();
    await this.#reading;
  }

  async #drain(): Promise<void> {
    const batch = this.#options.batch ?? 500;
    do {
      this.#again = false;
      try {
        for (;;) {
          const events = await this.#options.store.readEvents(this.#position, batch);
          if (events.length === 0) break;
          this.#position = events[events.length - 1]?.position ?? this.#position;
          for (const listener of this.#listeners) {
            try {
              listener(events);
            } catch (err) {
              this.#options.onError?.(err);
            }
          }
          if (events.length < batch) break;
        }
      } catch (err) {
        this.#options.onError?.(err);
        return;
      }
    } while (this.#again);
  }
}
