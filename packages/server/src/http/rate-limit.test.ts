import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('lets a burst of `limit` through, then refills at limit per window', () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    expect([limiter.hit('a'), limiter.hit('a'), limiter.hit('a')]).toEqual([0, 0, 0]);
    expect(limiter.hit('a')).toBe(20_000);
    expect(limiter.check('a')).toBe(20_000);
    expect(limiter.hit('b')).toBe(0);
    now += 19_999;
    expect(limiter.check('a')).toBe(1);
    now += 1;
    expect(limiter.check('a')).toBe(0);
    expect(limiter.hit('a')).toBe(0);
    expect(limiter.hit('a')).toBeGreaterThan(0);
    limiter.reset('a');
    expect(limiter.hit('a')).toBe(0);
  });

  it('check() spends nothing and knows nothing of unseen keys', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1000, now: () => 0 });
    expect(limiter.check('x')).toBe(0);
    expect(limiter.size).toBe(0);
    expect(limiter.hit('x')).toBe(0);
    expect(limiter.check('x')).toBe(1000);
  });

  it('stays within maxKeys, dropping refilled buckets first', () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 2, windowMs: 1000, maxKeys: 100, now: () => now });
    for (let i = 0; i < 100; i++) limiter.hit(`k${i}`);
    now += 1000; // all refilled
    limiter.hit('fresh');
    expect(limiter.size).toBe(1);
    for (let i = 0; i < 500; i++) limiter.hit(`flood${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });

  it('refuses nonsensical options', () => {
    expect(() => new RateLimiter({ limit: 0, windowMs: 1 })).toThrow(TypeError);
    expect(() => new RateLimiter({ limit: 1, windowMs: 0 })).toThrow(TypeError);
  });
});
