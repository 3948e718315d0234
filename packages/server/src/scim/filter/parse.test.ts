import { describe, expect, it } from 'vitest';
import type { AttrPath, CompareOperator, CompValue, Filter } from './ast.js';
import { parseFilter } from './parse.js';
import { stringifyFilter } from './stringify.js';

const path = (name: string, subAttr?: string, uri?: string): AttrPath => ({
  ...(uri === undefined ? {} : { uri }),
  name,
  ...(subAttr === undefined ? {} : { subAttr }),
});
const cmp = (p: AttrPath | string, op: CompareOperator, value: CompValue): Filter => ({
  type: 'compare',
  path: typeof p === 'string' ? path(p) : p,
  op,
  value,
});
const pr = (p: AttrPath | string): Filter => ({ type: 'present', path: typeof p === 'string' ? path(p) : p });
const and = (...filters: Filter[]): Filter => ({ type: 'and', filters });
const or = (...filters: Filter[]): Filter => ({ type: 'or', filters });
const not = (filter: Filter): Filter => ({ type: 'not', filter });
const vp = (p: string, filter: Filter): Filter => ({ type: 'valuePath', path: path(p), filter });

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LAST_MODIFIED = path('meta', 'lastModified');
const T = '2011-05-13T04:42:34Z';

/** Every example filter of RFC 7644 §3.4.2.2 (figure 2), with the AST it must produce. */
const RFC_EXAMPLES: ReadonlyArray<readonly [string, Filter]> = [
  ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
  [`name.familyName co "O'Malley"`, cmp(path('name', 'familyName'), 'co', "O'Malley")],
  ['userName sw "J"', cmp('userName', 'sw', 'J')],
  [`${CORE_USER}:userName sw "J"`, cmp(path('userName', undefined, CORE_USER), 'sw', 'J')],
  ['title pr', pr('title')],
  [`meta.lastModified gt "${T}"`, cmp(LAST_MODIFIED, 'gt', T)],
  [`meta.lastModified ge "${T}"`, cmp(LAST_MODIFIED, 'ge', T)],
  [`meta.lastModified lt "${T}"`, cmp(LAST_MODIFIED, 'lt', T)],
  [`meta.lastModified le "${T}"`, cmp(LAST_MODIFIED, 'le', T)],
  ['title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
  ['title pr or userType eq "Intern"', or(pr('title'), cmp('userType', 'eq', 'Intern'))],
  [`schemas eq "${ENTERPRISE}"`, cmp('schemas', 'eq', ENTERPRISE)],
  [
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    and(
      cmp('userType', 'eq', 'Employee'),
      or(cmp('emails', 'co', 'example.com'), cmp(path('emails', 'value'), 'co', 'example.org')),
    ),
  ],
  [
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    and(
      cmp('userType', 'ne', 'Employee'),
      not(or(cmp('emails', 'co', 'example.com'), cmp(path('emails', 'value'), 'co', 'example.org'))),
    ),
  ],
  [
    'userType eq "Employee" and (emails.type eq "work")',
    and(cmp('userType', 'eq', 'Employee'), cmp(path('emails', 'type'), 'eq', 'work')),
  ],
  [
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    and(
      cmp('userType', 'eq', 'Employee'),
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
    ),
  ],
  [
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    or(
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
      vp('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
    ),
  ],
];

describe('parseFilter: RFC 7644 §3.4.2.2 examples', () => {
  it.each(RFC_EXAMPLES)('%s', (input, ast) => {
    expect(parseFilter(input)).toEqual(ast);
    expect(parseFilter(stringifyFilter(ast))).toEqual(ast);
  });
});

describe('parseFilter: attribute paths', () => {
  it('reads schema URN prefixes, extension URNs and sub-attributes', () => {
    expect(parseFilter(`${ENTERPRISE}:employeeNumber eq "701984"`)).toEqual(
      cmp(path('employeeNumber', undefined, ENTERPRISE), 'eq', '701984'),
    );
    expect(parseFilter(`${ENTERPRISE}:manager.value eq "26118915"`)).toEqual(
      cmp(path('manager', 'value', ENTERPRISE), 'eq', '26118915'),
    );
    expect(parseFilter(`${CORE_USER}:name.familyName pr`)).toEqual(pr(path('name', 'familyName', CORE_USER)));
  });

  it('accepts "-", "_" and digits after the first letter, and "$ref"', () => {
    expect(parseFilter('x-a_1.b-2_c pr')).toEqual(pr(path('x-a_1', 'b-2_c')));
    expect(parseFilter('members[$ref eq "https://example.com/v2/Users/1"]')).toEqual(
      vp('members', cmp('$ref', 'eq', 'https://example.com/v2/Users/1')),
    );
  });

  it('keeps the spelling of names; operators and keywords are case-insensitive (RFC 7644 §3.4.2.2)', () => {
    expect(parseFilter('userName Eq "john"')).toEqual(cmp('userName', 'eq', 'john'));
    expect(parseFilter('Username eq "john"')).toEqual(cmp('Username', 'eq', 'john'));
    expect(parseFilter('a PR AND b pR Or NOT (c Gt 1)')).toEqual(
      or(and(pr('a'), pr('b')), not(cmp('c', 'gt', 1))),
    );
    expect(parseFilter('emails[Type EQ "work"]')).toEqual(vp('emails', cmp('Type', 'eq', 'work')));
  });

  it('reads keywords as attribute names where an attribute path is expected', () => {
    expect(parseFilter('not pr')).toEqual(pr('not'));
    expect(parseFilter('not eq "x" and and pr or or pr')).toEqual(
      or(and(cmp('not', 'eq', 'x'), pr('and')), pr('or')),
    );
    expect(parseFilter('pr pr')).toEqual(pr('pr'));
    expect(parseFilter('not[type eq "x"]')).toEqual(vp('not', cmp('type', 'eq', 'x')));
  });
});

describe('parseFilter: logic', () => {
  it('binds "and" tighter than "or"', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual(
      or(cmp('a', 'eq', 1), and(cmp('b', 'eq', 2), cmp('c', 'eq', 3))),
    );
    expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual(
      or(and(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3)),
    );
  });

  it('groups with parentheses, keeping explicit groups as nested nodes', () => {
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual(
      and(or(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3)),
    );
    expect(parseFilter('(a pr and b pr) and c pr')).toEqual(and(and(pr('a'), pr('b')), pr('c')));
    expect(parseFilter('a pr and b pr and c pr and d pr')).toEqual(and(pr('a'), pr('b'), pr('c'), pr('d')));
    expect(parseFilter('((a pr))')).toEqual(pr('a'));
  });

  it('reads "not (" with or without the space (erratum 7319), and nested "not"', () => {
    expect(parseFilter('not(a pr)')).toEqual(not(pr('a')));
    expect(parseFilter('not (not (a pr))')).toEqual(not(not(pr('a'))));
    expect(parseFilter('not (a pr) and b pr')).toEqual(and(not(pr('a')), pr('b')));
  });

  it('reads "and", "or", "not" and parentheses inside brackets', () => {
    expect(parseFilter('emails[not (type eq "work") or (value ew ".org" and primary eq true)]')).toEqual(
      vp(
        'emails',
        or(not(cmp('type', 'eq', 'work')), and(cmp('value', 'ew', '.org'), cmp('primary', 'eq', true))),
      ),
    );
    expect(parseFilter('emails[type eq "work" or type eq "home"] and not (emails[primary eq true])')).toEqual(
      and(
        vp('emails', or(cmp('type', 'eq', 'work'), cmp('type', 'eq', 'home'))),
        not(vp('emails', cmp('primary', 'eq', true))),
      ),
    );
  });

  it('accepts any whitespace run between tokens, and none next to brackets and parentheses', () => {
    expect(parseFilter('  a   eq\t1\r\n and(b pr)  ')).toEqual(and(cmp('a', 'eq', 1), pr('b')));
    expect(parseFilter('emails [ type eq "work" ]')).toEqual(vp('emails', cmp('type', 'eq', 'work')));
  });
});

describe('parseFilter: values (RFC 8259)', () => {
  it('decodes JSON strings with every escape', () => {
    expect(parseFilter(String.raw`a eq "q\" b\\ s\/ \b\f\n\r\t \u00e9\u20AC \ud83d\ude00"`)).toEqual(
      cmp('a', 'eq', 'q" b\\ s/ \b\f\n\r\t é€ 😀'),
    );
    expect(parseFilter('a eq ""')).toEqual(cmp('a', 'eq', ''));
    expect(parseFilter('a eq "ünïcödé ✓ ( ) [ ] and or"')).toEqual(
      cmp('a', 'eq', 'ünïcödé ✓ ( ) [ ] and or'),
    );
  });

  it('reads integers, decimals, negatives and exponents', () => {
    const cases: Array<[string, number]> = [
      ['0', 0],
      ['-0', 0],
      ['42', 42],
      ['-17', -17],
      ['3.25', 3.25],
      ['-0.5', -0.5],
      ['1e3', 1000],
      ['1E+3', 1000],
      ['2.5e-2', 0.025],
      ['-1.5E3', -1500],
    ];
    for (const [text, value] of cases)
      expect(parseFilter(`n eq ${text}`), text).toEqual(cmp('n', 'eq', value));
    expect(Object.is((parseFilter('n eq -0') as { value: number }).value, 0)).toBe(true);
  });

  it('reads true, false and null (lower case, as in JSON)', () => {
    expect(parseFilter('active eq true')).toEqual(cmp('active', 'eq', true));
    expect(parseFilter('active ne false')).toEqual(cmp('active', 'ne', false));
    expect(parseFilter('title eq null')).toEqual(cmp('title', 'eq', null));
    expect(() => parseFilter('active eq True')).toThrow(/expected a value/);
  });

  it('closes a value with ")" or "]" without whitespace', () => {
    expect(parseFilter('(a eq 1)')).toEqual(cmp('a', 'eq', 1));
    expect(parseFilter('x[a eq true]')).toEqual(vp('x', cmp('a', 'eq', true)));
    expect(parseFilter('x[a eq "s"]')).toEqual(vp('x', cmp('a', 'eq', 's')));
  });
});
