import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/errors.js';
import type { Filter } from '../filter/ast.js';
import type { PatchPath } from './ast.js';
import { parsePath } from './parse.js';
import { stringifyPath } from './stringify.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const MEMBER = '2819c223-7f76-453a-919d-413861904646';
const eq = (name: string, value: string): Filter => ({ type: 'compare', path: { name }, op: 'eq', value });

/** The target paths of RFC 7644 §3.5.2 and the examples of §3.5.2.1–3. */
const RFC_EXAMPLES: ReadonlyArray<readonly [string, PatchPath]> = [
  ['members', { type: 'attribute', path: { name: 'members' } }],
  ['name.familyName', { type: 'attribute', path: { name: 'name', subAttr: 'familyName' } }],
  [
    'addresses[type eq "work"]',
    { type: 'valuePath', path: { name: 'addresses' }, filter: eq('type', 'work') },
  ],
  [
    `members[value eq "${MEMBER}"]`,
    { type: 'valuePath', path: { name: 'members' }, filter: eq('value', MEMBER) },
  ],
  [
    `members[value eq "${MEMBER}"].displayName`,
    { type: 'valuePath', path: { name: 'members' }, filter: eq('value', MEMBER), subAttr: 'displayName' },
  ],
  // §3.5.2.1 add
  ['emails', { type: 'attribute', path: { name: 'emails' } }],
  // §3.5.2.2 remove
  [
    'emails[type eq "work" and value ew "example.com"]',
    {
      type: 'valuePath',
      path: { name: 'emails' },
      filter: {
        type: 'and',
        filters: [
          eq('type', 'work'),
          { type: 'compare', path: { name: 'value' }, op: 'ew', value: 'example.com' },
        ],
      },
    },
  ],
  // §3.5.2.3 replace
  [
    'addresses[type eq "work"].streetAddress',
    { type: 'valuePath', path: { name: 'addresses' }, filter: eq('type', 'work'), subAttr: 'streetAddress' },
  ],
];

describe('parsePath: RFC 7644 §3.5.2 examples', () => {
  it.each(RFC_EXAMPLES)('%s', (input, ast) => {
    expect(parsePath(input)).toEqual(ast);
    expect(stringifyPath(ast)).toBe(input);
  });
});

describe('parsePath', () => {
  it('reads schema-URN-prefixed paths', () => {
    expect(parsePath(`${ENTERPRISE}:manager.value`)).toEqual({
      type: 'attribute',
      path: { uri: ENTERPRISE, name: 'manager', subAttr: 'value' },
    });
    expect(parsePath(`${ENTERPRISE}:employeeNumber`)).toEqual({
      type: 'attribute',
      path: { uri: ENTERPRISE, name: 'employeeNumber' },
    });
    expect(parsePath('urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"].value')).toEqual({
      type: 'valuePath',
      path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', name: 'emails' },
      filter: eq('type', 'work'),
      subAttr: 'value',
    });
  });

  it('reuses the filter grammar between the brackets, keywords case-insensitive', () => {
    expect(parsePath('emails[not (type eq "work") OR primary eq true]')).toEqual({
      type: 'valuePath',
      path: { name: 'emails' },
      filter: {
        type: 'or',
        filters: [
          { type: 'not', filter: eq('type', 'work') },
          { type: 'compare', path: { name: 'primary' }, op: 'eq', value: true },
        ],
      },
    });
  });

  function failure(input: string): TesseraError {
    try {
      parsePath(input);
    } catch (err) {
      expect(err).toBeInstanceOf(TesseraError);
      const e = err as TesseraError;
      expect(e.code).toBe('ERR_VALIDATION');
      expect(e.message).toContain(`at position ${e.detail?.position}`);
      return e;
    }
    throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  }

  it.each([
    ['', 0, 'invalidPath', 'expected an attribute path at position 0, found end of input'],
    [' members', 0, 'invalidPath', 'found " "'],
    ['members ', 7, 'invalidPath', 'expected "[" or end of path at position 7'],
    ['[type eq "work"]', 0, 'invalidPath', 'found "["'],
    ['1abc', 0, 'invalidPath', 'expected an attribute path'],
    ['name.', 5, 'invalidPath', 'expected a sub-attribute name at position 5'],
    ['a.b.c', 3, 'invalidPath', 'at most one sub-attribute'],
    ['foo:bar', 0, 'invalidPath', 'expected a schema URN'],
    ['name.givenName[type eq "x"]', 14, 'invalidPath', 'not a sub-attribute'],
    ['emails[type eq "work"]value', 22, 'invalidPath', 'expected "." or end of path at position 22'],
    [
      'emails[type eq "work"].',
      23,
      'invalidPath',
      'expected a sub-attribute name at position 23, found end of input',
    ],
    ['emails[type eq "work"].value.x', 28, 'invalidPath', 'expected end of path at position 28'],
    ['emails[type eq "work"][primary eq true]', 22, 'invalidPath', 'found "["'],
    // The bracket filter reports invalidFilter (RFC 7644 §3.12: "PATCH (Path Filter)").
    ['emails[type eq "work"', 21, 'invalidFilter', '"]" at position 21 (to close the "[" at position 6)'],
    ['emails[type xx "work"]', 12, 'invalidFilter', 'expected an operator'],
    ['emails[]', 7, 'invalidFilter', 'expected an attribute path'],
    ['emails[type[value pr]]', 11, 'invalidFilter', 'cannot be nested'],
  ])('%j → position %i, %s', (input, position, scimType, message) => {
    const err = failure(input);
    expect(err.detail?.position).toBe(position);
    expect(err.scimType).toBe(scimType);
    expect(err.message).toContain(message);
  });

  it('enforces the length and depth limits', () => {
    const long = `members[value eq "${'x'.repeat(20_000)}"]`;
    expect(failure(long).scimType).toBe('invalidPath');
    expect(failure(long).detail?.position).toBe(10_000);
    const deep = `emails[${'('.repeat(10_000)}type pr${')'.repeat(10_000)}]`;
    const err = (() => {
      try {
        parsePath(deep, { maxLength: deep.length });
      } catch (e) {
        return e as TesseraError;
      }
      throw new Error('expected a rejection');
    })();
    expect(err.scimType).toBe('invalidFilter');
    expect(err.message).toContain('expected at most 64 levels of nesting');
  });

  it('refuses non-string input as misuse', () => {
    expect(() => parsePath(undefined as unknown as string)).toThrow(TypeError);
  });
});
