import { TesseraError } from './errors.js';
import type { EventBus } from './events.js';
import { type Change, record } from './journal.js';
import type { Actor, LogEvent } from './model.js';
import type { Clock, Store, Tx } from './ports.js';

/** What every core operation runs on. */
export interface CoreContext {
  store: Store;
  clock: Clock;
  bus: EventBus;
}

export interface Outcome<T> {
  result: T;
  changes: Change[];
}

/**
 * Runs one change: `fn` reads and writes through `tx` and returns the audit/event records the
 * change causes; they are journaled in the same transaction. Events are published in-process
 * only after the commit.
 */
export async function commit<T>(
  ctx: CoreContext,
  fn: (tx: Tx, now: Date) => Promise<Outcome<T>>,
): Promise<T> {
  const now = ctx.clock.now();
  const published: LogEvent[] = [];
  const result = await ctx.store.transaction(async (tx) => {
    const outcome = await fn(tx, now);
    for (const change of outcome.changes) {
      const recorded = await record(tx, change, now);
      published.push(...recorded.events);
    }
    return outcome.result;
  });
  ctx.bus.publish(published);
  return result;
}

/** Fails an update whose If-Match version is stale (HTTP 412). */
export function checkVersion(kind: string, current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) {
    throw new TesseraError(
      'ERR_PRECONDITION_FAILED',
      `${kind} was modified by someone else (version ${current}, expected ${expected})`,
      { detail: { version: current } },
    );
  }
}

/** A lost optimistic-concurrency race inside the transaction is the same stale version. */
export function conflictLost(kind: string): TesseraError {
  return new TesseraError('ERR_PRECONDITION_FAILED', `${kind} was modified concurrently; retry`);
}

export type { Actor };
