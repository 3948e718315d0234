import { describe, expect, it } from 'vitest';
import { compareInstants, parseDateTime } from './date-time.js';

const order = (a: string, b: string) => {
  const x = parseDateTime(a);
  const y = parseDateTime(b);
  if (x === undefined || y === undefined) throw new Error(`not a dateTime: ${x === undefined ? a : b}`);
  return Math.sign(compareInstants(x, y));
};

describe('xsd:dateTime instants', () => {
  it('compares across offsets and fraction digits', () => {
    expect(order('2011-05-13T04:42:34Z', '2011-05-13T06:42:34+02:00')).toBe(0);
    expect(order('2011-05-13T04:42:34Z', '2011-05-13T04:42:34.000Z')).toBe(0);
    expect(order('2011-05-13T04:42:34.1Z', '2011-05-13T04:42:34.09Z')).toBe(1);
    expect(order('2011-05-13T04:42:34.000000001Z', '2011-05-13T04:42:34Z')).toBe(1);
    expect(order('2011-05-13T00:30:00+01:00', '2011-05-12T23:45:00Z')).toBe(-1);
    expect(order('2011-05-13T04:42:34', '2011-05-13T04:42:34Z')).toBe(0);
    expect(order('1969-12-31T23:59:59Z', '1970-01-01T00:00:00Z')).toBe(-1);
    expect(order('-0044-03-15T12:00:00Z', '0001-01-01T00:00:00Z')).toBe(-1);
    expect(order('2011-05-13T24:00:00Z', '2011-05-14T00:00:00Z')).toBe(0);
  });

  it('matches Date for ordinary instants', () => {
    for (const s of ['2000-02-29T12:00:00Z', '2024-12-31T23:59:59.999Z', '1900-03-01T00:00:00Z']) {
      expect(parseDateTime(s)?.seconds).toBe(Math.floor(Date.parse(s) / 1000));
    }
  });

  it('refuses what is not an xsd:dateTime', () => {
    for (const s of [
      '2011-05-13',
      '2011-05-13T04:42Z',
      '2011-13-01T00:00:00Z',
      '2011-02-29T00:00:00Z',
      '2011-04-31T00:00:00Z',
      '2011-05-13T25:00:00Z',
      '2011-05-13T24:00:01Z',
      '2011-05-13T04:60:00Z',
      '2011-05-13T04:42:60Z',
      '2011-05-13T04:42:34+15:00',
      '2011-05-13t04:42:34z',
      '2011-05-13 04:42:34Z',
      'bjensen',
    ])
      expect(parseDateTime(s), s).toBeUndefined();
  });
});
