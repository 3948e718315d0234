/**
 * Hostile and malformed filters over HTTP, on every endpoint that takes one: each answers
 * 400 invalidFilter as an RFC 7644 §3.12 error — never a 500, a stack overflow or a hang — and
 * changes nothing. The parser's own limits are tested in src/scim/filter/errors.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { ERROR, type ScimTestApp, startScimApp, userBody } from './support.js';

const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

const FILTERS: [string, string][] = [
  ['unbalanced "("', '(userName eq "a"'],
  ['unbalanced ")"', 'userName eq "a")'],
  ['unbalanced "["', 'emails[type eq "work"'],
  ['unknown operator', 'userName like "a"'],
  ['unknown logical operator', 'userName eq "a" xor active eq true'],
  ['no value', 'userName eq'],
  ['10,000 nested "("', `${'('.repeat(10_000)}userName pr${')'.repeat(10_000)}`],
  ['10,000 nested "not ("', `${'not ('.repeat(10_000)}userName pr${')'.repeat(10_000)}`],
  ['10,000 nested "(" unclosed', '('.repeat(10_000)],
  ['a 1 MB string', `userName eq "${'a'.repeat(1_000_000)}"`],
  ['a 1 MB attribute name', `${'a'.repeat(1_000_000)} eq "x"`],
  ['an unterminated 1 MB string', `userName eq "${'a'.repeat(1_000_000)}`],
];

describeDialects('SCIM malformed filters', (dialect) => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await startScimApp(dialect);
    await t.scim('POST', '/Users', userBody('a'));
  });
  afterAll(async () => {
    await t?.close();
  });

  const expectInvalidFilter = (
    res: { status: number; json: unknown; headers: Record<string, unknown> },
    what: string,
  ) => {
    expect(res.status, what).toBe(400);
    expect(String(res.headers['content-type']), what).toMatch(/^application\/scim\+json/);
    expect(res.json, what).toEqual({
      schemas: [ERROR],
      status: '400',
      scimType: 'invalidFilter',
      detail: expect.any(String),
    });
    // The detail names the problem without echoing a megabyte back.
    expect((res.json as { detail: string }).detail.length, what).toBeLessThan(1000);
  };

  it.each(FILTERS)(
    '%s: 400 invalidFilter from POST /Users/.search, /Groups/.search and /.search',
    async (what, filter) => {
      for (const path of ['/Users/.search', '/Groups/.search', '/.search'])
        expectInvalidFilter(await t.scim('POST', path, { schemas: [SEARCH], filter }), `${what} at ${path}`);
    },
  );

  it.each(FILTERS.filter(([, f]) => f.length < 100_000))(
    '%s: 400 invalidFilter from GET /Users and /Groups',
    async (what, filter) => {
      for (const path of ['/Users', '/Groups'])
        expectInvalidFilter(
          await t.scim('GET', `${path}?filter=${encodeURIComponent(filter)}`),
          `${what} at GET ${path}`,
        );
    },
  );

  it('a PATCH path with a malformed or deeply nested filter is 400 invalidPath, and changes nothing', async () => {
    const user = await t.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "a"')}`);
    const id = user.json.Resources[0].id as string;
    for (const path of [
      'emails[type eq "work"',
      `emails[${'('.repeat(10_000)}type eq "work"${')'.repeat(10_000)}]`,
      `emails[value eq "${'a'.repeat(1_000_000)}"]`,
    ]) {
      const res = await t.scim('PATCH', `/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'remove', path }],
      });
      expect(res.status, path.slice(0, 40)).toBe(400);
      expect(['invalidPath', 'invalidFilter'], path.slice(0, 40)).toContain(res.json.scimType);
    }
    expect((await t.scim('GET', `/Users/${id}`)).headers.etag).toBe(user.json.Resources[0].meta.version);
  });
});
