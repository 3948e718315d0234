import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/errors.js';
import { parsePath } from '../path/parse.js';
import type { Filter } from './ast.js';
import { defaultCaseExact } from './case-exact.js';
import { type EvaluateOptions, evaluateFilter } from './evaluate.js';
import { parseFilter } from './parse.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** RFC 7643 §8.2-style full user. */
const bjensen = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'BJensen',
  userName: 'bjensen@example.com',
  name: { familyName: "O'Malley", givenName: 'Barbara', formatted: "Ms. Barbara J O'Malley" },
  displayName: 'Babs Jensen',
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  loginCount: 42,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  groups: [],
  nickName: '',
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    version: 'W/"3694e05e9dff591"',
  },
  [ENTERPRISE]: { employeeNumber: '701984', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
};

const matches = (filter: string, resource: unknown = bjensen, options?: EvaluateOptions) =>
  evaluateFilter(parseFilter(filter), resource, options);

function rejection(run: () => unknown): TesseraError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).scimType).toBe('invalidFilter');
    return err as TesseraError;
  }
  throw new Error('expected invalidFilter');
}

describe('evaluateFilter: RFC 7644 §3.4.2.2 examples against a user', () => {
  it.each([
    ['userName eq "bjensen@example.com"', true],
    [`name.familyName co "O'Malley"`, true],
    ['userName sw "J"', false],
    ['userName sw "B"', true],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bJ"', true],
    ['title pr', true],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified lt "2011-05-13T04:42:35Z"', true],
    ['meta.lastModified le "2011-05-13T04:42:33Z"', false],
    ['title pr and userType eq "Employee"', true],
    ['title pr or userType eq "Intern"', true],
    [`schemas eq "${ENTERPRISE}"`, true],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', true],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', false],
    ['userType eq "Employee" and (emails.type eq "work")', true],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', true],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      true,
    ],
  ])('%s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });
});

describe('evaluateFilter: case rules', () => {
  it('matches attribute names case-insensitively, including URNs and sub-attributes', () => {
    expect(matches('USERNAME eq "bjensen@example.com"')).toBe(true);
    expect(matches('Name.FamilyName sw "o\'"')).toBe(true);
    expect(matches(`${ENTERPRISE.toUpperCase()}:EMPLOYEENUMBER eq "701984"`)).toBe(true);
    expect(matches('EMAILS[TYPE eq "WORK"]')).toBe(true);
  });

  it('compares caseExact false attributes case-insensitively (userName, displayName, emails.value)', () => {
    expect(matches('userName eq "BJensen@Example.COM"')).toBe(true);
    expect(matches('displayName eq "babs jensen"')).toBe(true);
    expect(matches('emails.value ew "JENSEN.ORG"')).toBe(true);
    expect(matches('emails[value eq "BABS@jensen.org"]')).toBe(true);
    expect(matches('userName gt "BJENSEN"')).toBe(true);
  });

  it('compares caseExact true attributes exactly (id, externalId, meta.resourceType; RFC 7643 §3.1)', () => {
    expect(matches('externalId eq "BJensen"')).toBe(true);
    expect(matches('externalId eq "bjensen"')).toBe(false);
    expect(matches('id eq "2819C223-7F76-453A-919D-413861904646"')).toBe(false);
    expect(matches('meta.resourceType eq "user"')).toBe(false);
    expect(matches('meta.RESOURCETYPE eq "User"')).toBe(true);
    expect(matches('externalId sw "bj"')).toBe(false);
  });

  it('takes a caseExact callback keyed by lower-case attribute keys', () => {
    const seen: string[] = [];
    const caseExact = (key: string) => {
      seen.push(key);
      return key === 'username';
    };
    expect(matches('userName eq "BJENSEN@EXAMPLE.COM"', bjensen, { caseExact })).toBe(false);
    expect(matches('externalId eq "bjensen"', bjensen, { caseExact })).toBe(true);
    matches(`emails[type eq "x"] or ${ENTERPRISE}:Manager.Value eq "x" or Name.GivenName eq "x"`, bjensen, {
      caseExact,
    });
    expect(seen).toContain('emails.type');
    expect(seen).toContain(`${ENTERPRISE.toLowerCase()}:manager.value`);
    expect(seen).toContain('name.givenname');
  });

  it('has the RFC 7643 caseExact table by default', () => {
    for (const key of ['id', 'externalid', 'meta.resourcetype', 'meta.location', 'meta.version', 'schemas'])
      expect(defaultCaseExact(key), key).toBe(true);
    for (const key of [
      'username',
      'displayname',
      'emails.value',
      'name.familyname',
      'members.value',
      'title',
    ])
      expect(defaultCaseExact(key), key).toBe(false);
  });
});

describe('evaluateFilter: operators', () => {
  it('co / sw / ew / eq / ne on strings', () => {
    expect(matches('title co "our"')).toBe(true);
    expect(matches('title sw "Tour Guide"')).toBe(true);
    expect(matches('title ew "guide"')).toBe(true);
    expect(matches('title co ""')).toBe(true);
    expect(matches('title ne "Tour Guide"')).toBe(false);
    expect(matches('title ne "Driver"')).toBe(true);
  });

  it('orders strings lexicographically, numbers numerically, dateTimes chronologically', () => {
    expect(matches('title gt "Tour"')).toBe(true);
    expect(matches('title lt "tour guide"')).toBe(false);
    expect(matches('title le "tour guide"')).toBe(true);
    expect(matches('loginCount gt 9')).toBe(true);
    expect(matches('loginCount ge 42')).toBe(true);
    expect(matches('loginCount lt 42.5')).toBe(true);
    expect(matches('loginCount le 4.2e1')).toBe(true);
    expect(matches('loginCount eq 42.0')).toBe(true);
    // "2011-05-13T06:42:34+02:00" is the same instant; as strings it would sort after.
    expect(matches('meta.lastModified gt "2011-05-13T06:42:33+02:00"')).toBe(true);
    expect(matches('meta.lastModified eq "2011-05-13T06:42:34+02:00"')).toBe(true);
    expect(matches('meta.lastModified lt "2011-05-13T04:42:34.001Z"')).toBe(true);
    // Not both dateTimes: plain string order.
    expect(matches('meta.lastModified gt "2011"')).toBe(true);
  });

  it('does not coerce between types', () => {
    expect(matches('loginCount eq "42"')).toBe(false);
    expect(matches('loginCount gt "1"')).toBe(false);
    expect(matches('userName eq 1')).toBe(false);
    expect(matches('active eq "true"')).toBe(false);
    expect(matches('active ne "true"')).toBe(true);
  });

  it('booleans: eq and ne only (RFC 7644 §3.4.2.2)', () => {
    expect(matches('active eq true')).toBe(true);
    expect(matches('active ne true')).toBe(false);
    expect(matches('emails[primary eq true]')).toBe(true);
    const err = rejection(() => matches('active gt "a"'));
    expect(err.detail).toEqual({ attribute: 'active', operator: 'gt' });
    rejection(() => matches('emails.primary le "x"'));
  });

  it('co / sw / ew on strings only', () => {
    rejection(() => matches('loginCount co "4"'));
    rejection(() => matches('active sw "t"'));
    // A hand-built AST is checked too (the parser already refuses these).
    const bad: Filter = { type: 'compare', path: { name: 'title' }, op: 'co', value: 1 };
    rejection(() => evaluateFilter(bad, bjensen));
    const ordered: Filter = { type: 'compare', path: { name: 'active' }, op: 'gt', value: true };
    rejection(() => evaluateFilter(ordered, {}));
  });

  it('pr: not null, not "", not [], not an empty complex value', () => {
    expect(matches('title pr')).toBe(true);
    expect(matches('nickName pr')).toBe(false);
    expect(matches('groups pr')).toBe(false);
    expect(matches('profileUrl pr')).toBe(false);
    expect(matches('name pr')).toBe(true);
    expect(matches('x pr', { x: null })).toBe(false);
    expect(matches('x pr', { x: {} })).toBe(false);
    expect(matches('x pr', { x: { a: null, b: '' } })).toBe(false);
    expect(matches('x pr', { x: [null, ''] })).toBe(false);
    expect(matches('x pr', { x: false })).toBe(true);
    expect(matches('x pr', { x: 0 })).toBe(true);
    expect(matches('emails.type pr')).toBe(true);
    expect(matches('emails.display pr')).toBe(false);
  });

  it('eq null / ne null test absence and presence (RFC 7643 §2.5)', () => {
    expect(matches('profileUrl eq null')).toBe(true);
    expect(matches('nickName eq null')).toBe(true);
    expect(matches('groups eq null')).toBe(true);
    expect(matches('title eq null')).toBe(false);
    expect(matches('title ne null')).toBe(true);
    expect(matches('profileUrl ne null')).toBe(false);
  });

  it('ne matches an absent attribute; other operators do not', () => {
    expect(matches('profileUrl ne "x"')).toBe(true);
    expect(matches('profileUrl eq "x"')).toBe(false);
    expect(matches('profileUrl co ""')).toBe(false);
    expect(matches('not (profileUrl eq "x")')).toBe(true);
  });
});

describe('evaluateFilter: multi-valued and complex attributes', () => {
  it('matches if any value matches', () => {
    expect(matches('emails.type eq "home"')).toBe(true);
    expect(matches('emails.type eq "other"')).toBe(false);
    expect(matches('emails.type ne "work"')).toBe(true);
    expect(matches('x eq "b"', { x: ['a', 'b'] })).toBe(true);
    expect(matches('x gt 5', { x: [1, 7] })).toBe(true);
  });

  it('compares a complex value without a sub-attribute through its "value"', () => {
    expect(matches('emails eq "babs@jensen.org"')).toBe(true);
    expect(matches(`${ENTERPRISE}:manager eq "26118915-6090-4610-87e4-49d8ca9f808d"`)).toBe(true);
  });

  it('evaluates a bracket filter per value: both conditions on the same value', () => {
    expect(matches('emails[type eq "work" and value ew "jensen.org"]')).toBe(false);
    expect(matches('emails.type eq "work" and emails.value ew "jensen.org"')).toBe(true);
    expect(matches('emails[type eq "home" and value ew "jensen.org"]')).toBe(true);
    expect(matches('emails[not (type eq "work") and not (primary eq true)]')).toBe(true);
    expect(matches('emails[type eq "x" or primary pr]')).toBe(true);
    expect(matches('ims[type eq "xmpp"]')).toBe(false);
    expect(matches('phoneNumbers[type eq "work"]')).toBe(false);
    expect(matches('name[givenName sw "barb"]')).toBe(true);
  });

  it('reads a simple multi-valued attribute\'s items as "value" inside brackets', () => {
    expect(matches(`schemas[value eq "${ENTERPRISE}"]`)).toBe(true);
    expect(matches('tags[value sw "b"]', { tags: ['alpha', 'beta'] })).toBe(true);
  });

  it('resolves schema URNs: core at the top, extensions under their key, unknown URNs to nothing', () => {
    expect(matches('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "barbara"')).toBe(true);
    expect(matches(`${ENTERPRISE}:employeeNumber eq "701984"`)).toBe(true);
    expect(matches('employeeNumber pr')).toBe(false);
    expect(matches('urn:example:unknown:userName pr')).toBe(false);
    expect(
      matches('urn:example:listed:userName pr', { schemas: ['urn:example:listed'], userName: 'x' }),
    ).toBe(true);
  });

  it('reads own properties only', () => {
    expect(matches('constructor pr', {})).toBe(false);
    expect(matches('toString pr', {})).toBe(false);
    expect(matches('hasOwnProperty eq "x"', {})).toBe(false);
  });
});

describe('evaluateFilter: PATCH value filters (within)', () => {
  it('selects the values a PATCH path filter targets', () => {
    const target = parsePath('emails[type eq "WORK" or value ew "JENSEN.ORG"].display');
    if (target.type !== 'valuePath') throw new Error('expected a valuePath');
    const selected = bjensen.emails.filter((email) =>
      evaluateFilter(target.filter, email, { within: target.path }),
    );
    expect(selected.map((e) => e.type)).toEqual(['work', 'home']);
  });

  it('keys caseExact by the parent attribute', () => {
    const target = parsePath('x509Certificates[value eq "MIIDQz"]');
    if (target.type !== 'valuePath') throw new Error('expected a valuePath');
    expect(evaluateFilter(target.filter, { value: 'MIIDQz' }, { within: target.path })).toBe(true);
    expect(evaluateFilter(target.filter, { value: 'miidqz' }, { within: target.path })).toBe(false);
    expect(evaluateFilter(target.filter, 'MIIDQz', { within: target.path })).toBe(true);
  });

  it('refuses a resource that is not an object as misuse', () => {
    expect(() => evaluateFilter(parseFilter('a pr'), 'x')).toThrow(TypeError);
    expect(() => evaluateFilter(parseFilter('a pr'), [])).toThrow(TypeError);
  });
});
