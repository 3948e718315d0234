import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/errors.js';
import { parseFilter } from './parse.js';

/** Parses `input`, expecting an invalidFilter error; returns it. */
function failure(input: string, limits?: Parameters<typeof parseFilter>[1]): TesseraError {
  try {
    parseFilter(input, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(TesseraError);
    const e = err as TesseraError;
    expect(e.code).toBe('ERR_VALIDATION');
    expect(e.status).toBe(400);
    expect(e.scimType).toBe('invalidFilter');
    return e;
  }
  throw new Error(`expected ${JSON.stringify(input.slice(0, 60))} to be rejected`);
}

/** The rejection's position, checked against the one its message names. */
function positionOf(input: string): number {
  const err = failure(input);
  const position = err.detail?.position;
  expect(typeof position).toBe('number');
  expect(err.message).toContain(`at position ${position}`);
  return position as number;
}

describe('parseFilter: error positions', () => {
  it.each([
    // [input, position, what the message says]
    ['', 0, 'expected an attribute path, "(" or "not (" at position 0, found end of input'],
    [
      '(a pr',
      5,
      'expected "and", "or" or ")" at position 5 (to close the "(" at position 0), found end of input',
    ],
    ['a pr)', 4, 'expected "and", "or" or end of input at position 4, found ")"'],
    ['((a pr) or b pr', 15, '")" at position 15 (to close the "(" at position 0)'],
    ['not (a pr', 9, '(to close the "(" at position 4)'],
    [
      'userName xx "a"',
      9,
      'expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after "userName" at position 9, found "xx"',
    ],
    ['userName', 8, 'found end of input'],
    [
      'userName eq',
      11,
      'expected a value (a JSON string, number, true, false or null) at position 11, found end of input',
    ],
    ['userName eq and b pr', 12, 'expected a value'],
    ['userName eq "a" foo', 16, 'expected "and", "or" or end of input at position 16, found "foo"'],
    ['a pr and', 8, 'expected an attribute path, "(" or "not (" at position 8, found end of input'],
    ['a pr or or', 10, 'found end of input'],
    ['userName eq "bjensen', 20, `unterminated string starting at position 12: expected '"' at position 20`],
    ['a eq "x\\q"', 7, 'invalid escape at position 7: expected one of'],
    ['a eq "\\u12G4"', 6, 'expected four hex digits after "\\u"'],
    ['a eq "\\u12"', 6, 'expected four hex digits'],
    ['a eq "tab\there"', 9, 'expected an escape sequence for control character U+0009'],
    ['emails[type[value eq 1] eq 2]', 11, '"[...]" cannot be nested inside "[...]"'],
    ['emails[type eq "work"', 21, '"]" at position 21 (to close the "[" at position 6)'],
    ['emails[type eq "work")', 21, 'found ")"'],
    ['emails.value[type eq "work"]', 12, 'not the sub-attribute "emails.value"'],
    ['emails[urn:x:y:type eq "work"]', 7, 'found the schema URN'],
    ['a eq"x"', 4, 'expected whitespace at position 4'],
    ['a eq 1and b pr', 6, 'after a number at position 6'],
    ['a eq "x"and b pr', 8, 'expected whitespace at position 8'],
    ['a eq 01', 6, 'after a number'],
    ['a eq 1.', 7, 'expected a digit after "." at position 7'],
    ['a eq 1e', 7, 'expected a digit in the exponent at position 7'],
    ['a eq -', 6, 'expected a digit at position 6'],
    ['a eq 1e999', 5, 'within the range of a double'],
    ['a eq .5', 5, 'found "."'],
    ["a eq 'x'", 5, `found "'"`],
    ['a.b.c pr', 3, 'a path has at most one sub-attribute'],
    ['a. pr', 2, 'expected a sub-attribute name at position 2'],
    ['1abc pr', 1, 'after a number'],
    ['urn:x:1a pr', 6, 'expected an attribute name'],
    ['foo:bar pr', 0, 'expected a schema URN'],
    ['a gt true', 5, 'expected a string or number to compare with "gt"'],
    ['a le null', 5, 'compare with "le"'],
    ['a co 1', 5, 'expected a string to match with "co"'],
    ['a sw null', 5, 'expected a string to match with "sw"'],
    ['# pr', 0, 'found "#"'],
    ['a pr 😀', 5, 'found "😀"'],
  ])('%j → position %i', (input, position, message) => {
    expect(positionOf(input)).toBe(position);
    expect(failure(input).message).toContain(message);
  });

  it('prefixes every message with "invalid filter:"', () => {
    expect(failure('(').message).toMatch(/^invalid filter: /);
  });

  it('refuses non-string input and bad limits as misuse (TypeError)', () => {
    expect(() => parseFilter(42 as unknown as string)).toThrow(TypeError);
    expect(() => parseFilter('a pr', { maxDepth: 0 })).toThrow(TypeError);
    expect(() => parseFilter('a pr', { maxLength: 1.5 })).toThrow(TypeError);
  });
});

describe('parseFilter: limits', () => {
  it('rejects 10,000 nested "(" at the depth limit, not with a stack overflow', () => {
    const input = `${'('.repeat(10_000)}a pr${')'.repeat(10_000)}`;
    const err = failure(input, { maxLength: input.length });
    expect(err.detail?.position).toBe(64);
    expect(err.message).toContain('expected at most 64 levels of nesting');
  });

  it('rejects 10,000 nested "not(" the same way', () => {
    const input = `${'not('.repeat(10_000)}a pr${')'.repeat(10_000)}`;
    const err = failure(input, { maxLength: input.length });
    expect(err.detail?.position).toBe(64 * 4);
  });

  it('rejects deep input under the default length limit too', () => {
    expect(failure('('.repeat(10_000)).detail?.position).toBe(64);
    expect(failure('not ('.repeat(2_000)).detail?.position).toBe(64 * 5);
  });

  it('accepts exactly maxDepth levels and counts "(", "not (" and "[" alike', () => {
    expect(() => parseFilter(`${'('.repeat(64)}a pr${')'.repeat(64)}`)).not.toThrow();
    expect(() => parseFilter(`${'('.repeat(65)}a pr${')'.repeat(65)}`)).toThrow(TesseraError);
    expect(() => parseFilter('not ((x[a pr]))', { maxDepth: 3 })).not.toThrow();
    expect(failure('not ((x[a pr]))', { maxDepth: 2 }).detail?.position).toBe(7);
  });

  it('rejects a 1 MB string literal by length before scanning it', () => {
    const input = `userName eq "${'a'.repeat(1024 * 1024)}"`;
    const err = failure(input);
    expect(err.detail?.position).toBe(10_000);
    expect(err.message).toBe(
      `invalid filter: expected end of input at position 10000 (a filter is limited to 10000 characters), found a filter of ${input.length} characters`,
    );
  });

  it('takes a configurable length limit', () => {
    expect(() => parseFilter('userName eq "bjensen"', { maxLength: 21 })).not.toThrow();
    expect(failure('userName eq "bjensen"', { maxLength: 20 }).detail?.position).toBe(20);
  });

  it('reads long flat chains in loops (no recursion per operand)', () => {
    const input = Array.from({ length: 1_000 }, (_, i) => `a${i} pr`).join(' and ');
    const ast = parseFilter(input, { maxLength: input.length });
    expect(ast.type === 'and' && ast.filters.length).toBe(1_000);
  });
});
