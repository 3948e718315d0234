/**
 * A small in-memory token-bucket limiter: each key holds up to `limit` tokens and regains them
 * at `limit` per `windowMs`, so a burst of `limit` passes and the sustained rate is capped at
 * `limit` per window. Per process: with several instances each applies the limit on its own,
 * which is enough to make guessing pointless and to stop one runaway client.
 *
 * Memory is bounded: a key whose bucket is full again carries no state and is dropped by the
 * sweep, and past `maxKeys` the oldest keys are forgotten (forgiving them early is the safe
 * failure: nobody is locked out by someone else's flood of keys).
 */
export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  /** Default 100,000. */
  maxKeys?: number;
  /** Default Date.now; tests pass a frozen clock. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly limit: number;
  readonly #perMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    if (!Number.isFinite(options.limit) || options.limit < 1) throw new TypeError('limit must be at least 1');
    if (!Number.isFinite(options.windowMs) || options.windowMs <= 0)
      throw new TypeError('windowMs must be positive');
    this.limit = options.limit;
    this.#perMs = options.limit / options.windowMs;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Spends one token of `key`. Returns 0 when allowed, else milliseconds until it would be. */
  hit(key: string): number {
    const now = this.#now();
    const bucket = this.#refill(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return this.#wait(bucket);
  }

  /** Like hit() but spends nothing: 0 when `key` has a token left, else milliseconds until it has. */
  check(key: string): number {
    const bucket = this.#buckets.get(key);
    if (!bucket) return 0;
    const tokens = Math.min(this.limit, bucket.tokens + (this.#now() - bucket.at) * this.#perMs);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.#perMs);
  }

  /** Forgets `key` (for example after a successful login). */
  reset(key: string): void {
    this.#buckets.delete(key);
  }

  get size(): number {
    return this.#buckets.size;
  }

  #refill(key: string, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.limit, bucket.tokens + (now - bucket.at) * this.#perMs);
      bucket.at = now;
    } else {
      if (this.#buckets.size >= this.#maxKeys) this.#sweep(now);
      bucket = { tokens: this.limit, at: now };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  #wait(bucket: Bucket): number {
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs));
  }

  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#perMs >= this.limit) this.#buckets.delete(key);
    }
    // Still full of live buckets: forget the oldest tenth (Map iterates in insertion order).
    let excess = this.#buckets.size - Math.floor(this.#maxKeys * 0.9);
    for (const key of this.#buckets.keys()) {
      if (excess-- <= 0) break;
      this.#buckets.delete(key);
    }
  }
}
