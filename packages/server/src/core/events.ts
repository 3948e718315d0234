import type { LogEvent } from './model.js';

export type EventListener = (events: readonly LogEvent[]) => void;

/**
 * In-process fan-out of committed event-log rows. Services publish after their transaction
 * commits, never before, so a listener never sees a change that later rolls back. Listeners
 * in other processes follow the event log itself (store.readEvents), not this bus.
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(events);
      } catch {
        // A faulty listener must not undo or hide a committed change from the others.
      }
    }
  }
}
