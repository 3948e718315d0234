import { describe, expect, it } from 'vitest';
import { mean, median, percentileOfSorted, ratio, stddev, summarize } from './stats.ts';

describe('median', () => {
  it('takes the middle of an odd count, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([2_350])).toBe(2_350);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder its input', () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('rejects an empty list and non-finite samples as misuse', () => {
    expect(() => median([])).toThrow(TypeError);
    expect(() => median([1, Number.NaN])).toThrow(TypeError);
    expect(() => median([Number.POSITIVE_INFINITY])).toThrow(TypeError);
  });
});

describe('mean and stddev', () => {
  it('computes the sample standard deviation', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138, 3);
  });

  it('gives 0 spread for a single run', () => {
    expect(stddev([42])).toBe(0);
  });
});

describe('summarize', () => {
  it('reports median, extremes and relative spread', () => {
    expect(summarize([100, 90, 110])).toEqual({
      n: 3,
      median: 100,
      min: 90,
      max: 110,
      mean: 100,
      stddev: 10,
      spread: 0.2,
    });
  });

  it('keeps spread at 0 when the median is 0', () => {
    expect(summarize([0, 0, 0]).spread).toBe(0);
  });
});

describe('ratio', () => {
  it('divides subject by anchor', () => {
    expect(ratio(7_050, 2_350)).toBe(3);
  });

  it('has no ratio against a zero anchor', () => {
    expect(ratio(1, 0)).toBeUndefined();
  });

  it('rejects non-finite input', () => {
    expect(() => ratio(Number.NaN, 1)).toThrow(TypeError);
  });
});

describe('percentileOfSorted', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

  it('uses the nearest rank', () => {
    expect(percentileOfSorted(hundred, 50)).toBe(50);
    expect(percentileOfSorted(hundred, 99)).toBe(99);
    expect(percentileOfSorted(hundred, 99.9)).toBe(100);
    expect(percentileOfSorted([1, 2, 3], 50)).toBe(2);
  });

  it('maps 0 to the smallest and 100 to the largest value', () => {
    expect(percentileOfSorted(hundred, 0)).toBe(1);
    expect(percentileOfSorted(hundred, 100)).toBe(100);
  });

  it('rejects empty input and percentiles outside 0–100', () => {
    expect(() => percentileOfSorted([], 50)).toThrow(TypeError);
    expect(() => percentileOfSorted([1], 101)).toThrow(TypeError);
    expect(() => percentileOfSorted([1], Number.NaN)).toThrow(TypeError);
  });
});
