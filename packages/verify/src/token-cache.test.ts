import { describe, expect, it } from 'vitest';
import { type CachedToken, TokenCache } from './token-cache.js';

const entry = (n: number) => ({ until: n }) as unknown as CachedToken;

describe('TokenCache (two generations)', () => {
  it('never holds more than maxEntries, and keeps recently used entries', () => {
    const cache = new TokenCache(100);
    for (let i = 0; i < 1000; i++) {
      cache.set(`t${i}`, entry(i));
      cache.get('t0'); // t0 stays hot: promoted whenever it ages
      expect(cache.size).toBeLessThanOrEqual(100);
    }
    expect(cache.get('t0')?.until).toBe(0);
    expect(cache.get('t999')?.until).toBe(999);
    expect(cache.get('t500')).toBeUndefined();
  });

  it('deletes and clears', () => {
    const cache = new TokenCache(4);
    cache.set('a', entry(1));
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    cache.set('b', entry(2));
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
