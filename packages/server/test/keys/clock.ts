import type { Clock } from '../../src/core/ports.js';

/** A clock that stands still until the test moves it. */
export interface TestClock extends Clock {
  advance(ms: number): void;
  set(at: Date): void;
}

export function frozenClock(start = new Date('2026-01-01T00:00:00.000Z')): TestClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
    set(at) {
      t = at.getTime();
    },
  };
}

/**
 * Wall-clock time plus an offset the test moves forward: the server sees time pass, while
 * tokens it signs stay acceptable to clients that check them against the real clock
 * (openid-client).
 */
export interface ShiftClock extends Clock {
  advance(ms: number): void;
}

export function shiftClock(): ShiftClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
  };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
