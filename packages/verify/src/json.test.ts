import { describe, expect, it } from 'vitest';
import { countMembers, countNameSeparators, parseJsonObject } from './jws/json.js';

const parse = (text: string) => parseJsonObject(Buffer.from(text), 'claims');

describe('duplicate-name detection', () => {
  it.each([
    ['{}', 0],
    ['{"a":1}', 1],
    ['{"a":{"b":[{"c":1},{"d":2}]},"e":"x:y"}', 5],
    ['{"a":"\\"","b":"\\\\","c":"\\\\\\":"}', 3],
    ['{ "a" : [ ] , "b" : { } }', 2],
  ])('counts the members of %s', (text, n) => {
    expect(countNameSeparators(text)).toBe(n);
    expect(countMembers(JSON.parse(text))).toBe(n);
  });

  it.each([
    '{"a":1,"a":2}',
    '{"a":1,"\\u0061":2}',
    '{"x":{"a":1,"a":1}}',
    '{"x":[{"a":1,"a":1}]}',
    '{"__proto__":1,"__proto__":2}',
  ])('refuses %s', (text) => {
    expect(() => parse(text)).toThrow(/twice/);
  });

  it('accepts __proto__ once, as a plain member', () => {
    const value = parse('{"__proto__":{"admin":true}}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it('handles deep nesting without recursion', () => {
    const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(Object.keys(parse(deep))).toEqual(['a']);
  });
});
