/** What a list of repeated measurements of one metric comes to. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for a single sample. */
  readonly stddev: number;
  /** (max − min) / median: how far apart the runs landed, relative to the quoted value. */
  readonly spread: number;
}

function assertSamples(samples: readonly number[]): void {
  if (samples.length === 0) throw new TypeError('at least one sample is required');
  for (const value of samples) {
    if (!Number.isFinite(value)) throw new TypeError(`samples must be finite numbers, got ${value}`);
  }
}

export function median(samples: readonly number[]): number {
  assertSamples(samples);
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  // Both indexes exist: the list is non-empty and mid < length.
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

export function mean(samples: readonly number[]): number {
  assertSamples(samples);
  return samples.reduce((sum, value) => sum + value, 0) / samples.length;
}

export function stddev(samples: readonly number[]): number {
  const m = mean(samples);
  if (samples.length < 2) return 0;
  const squares = samples.reduce((sum, value) => sum + (value - m) ** 2, 0);
  return Math.sqrt(squares / (samples.length - 1));
}

export function summarize(samples: readonly number[]): Summary {
  const mid = median(samples);
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  return {
    n: samples.length,
    median: mid,
    min,
    max,
    mean: mean(samples),
    stddev: stddev(samples),
    spread: mid === 0 ? 0 : (max - min) / mid,
  };
}

/**
 * Nearest-rank percentile (p in 0–100) of values already sorted ascending: the smallest value
 * with at least p % of the values at or below it.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new TypeError('at least one value is required');
  if (!(p >= 0 && p <= 100)) throw new TypeError(`percentile must be within 0–100, got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** subject ÷ anchor, or undefined when the anchor is 0 and no ratio exists. */
export function ratio(subject: number, anchor: number): number | undefined {
  if (!Number.isFinite(subject) || !Number.isFinite(anchor)) {
    throw new TypeError('ratio needs finite numbers');
  }
  return anchor === 0 ? undefined : subject / anchor;
}
