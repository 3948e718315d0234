/** GET /Users, /Groups and POST /.search (RFC 7644 §3.4.2, §3.4.3): filter, sort, pages, projection. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { ERROR, GROUP_SCHEMA, LIST, type ScimTestApp, startScimApp, userBody } from './support.js';

describeDialects('SCIM lists', (dialect) => {
  let t: ScimTestApp;
  const names = ['OMalley', 'emp1', 'emp2', 'emp3', 'Zed'];
  beforeAll(async () => {
    t = await startScimApp(dialect);
    for (const [i, userName] of names.entries()) {
      const res = await t.scim(
        'POST',
        '/Users',
        userBody(userName, {
          displayName: i === 0 ? 'BobIsAmazing' : `Person ${i}`,
          name: { familyName: i === 0 ? 'OMalley' : 'Employee' },
          emails: [
            { value: `${userName.toLowerCase()}@${i % 2 ? 'example.com' : 'example.org'}`, type: 'work' },
          ],
          active: i !== 4,
        }),
      );
      expect(res.status).toBe(201);
    }
    const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Readers' });
    expect(group.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const list = async (query: string) => {
    const res = await t.scim('GET', `/Users?${query}`);
    expect(res.status, res.body).toBe(200);
    return res.json;
  };
  const userNames = (body: { Resources: { userName: string }[] }) => body.Resources.map((r) => r.userName);

  it('lists every user as a ListResponse', async () => {
    const body = await list('');
    expect(body).toMatchObject({ schemas: [LIST], totalResults: 5, itemsPerPage: 5, startIndex: 1 });
    expect(userNames(body)).toEqual(names);
  });

  it('filters with the full grammar, attribute names in any case', async () => {
    const q = (filter: string) => list(`filter=${encodeURIComponent(filter)}`);
    expect(userNames(await q('DisplayName eq "bobisamazing"'))).toEqual(['OMalley']);
    expect(userNames(await q('userName sw "EMP" and not (userName eq "emp2")'))).toEqual(['emp1', 'emp3']);
    expect(userNames(await q('emails[type eq "work" and value ew ".ORG"]'))).toEqual([
      'OMalley',
      'emp2',
      'Zed',
    ]);
    expect(userNames(await q('active eq false or name.familyName eq "omalley"'))).toEqual(['OMalley', 'Zed']);
    expect((await q('meta.created gt "2015-10-10T14:38:21.8617979-07:00"')).totalResults).toBe(5);
    expect((await q('meta.resourceType eq "User"')).totalResults).toBe(5);
  });

  it("reads the bare values of Microsoft's Entra ID test collection", async () => {
    const q = (filter: string) => list(`filter=${encodeURIComponent(filter)}`);
    expect(
      (
        await q(
          'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
        )
      ).totalResults,
    ).toBe(4);
    expect(userNames(await q('userName sw O'))).toEqual(['OMalley']);
    expect((await q('meta.Created gt 2015-10-10T14:38:21.8617979-07:00')).totalResults).toBe(5);
  });

  it('answers a malformed or untranslatable filter with 400 invalidFilter', async () => {
    for (const filter of [
      'userName eq',
      '(userName eq "a"',
      'userName xx "a"',
      'shoeSize eq 9',
      'meta.version eq "x"',
    ]) {
      const res = await t.scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status, filter).toBe(400);
      expect(res.json).toEqual({
        schemas: [ERROR],
        status: '400',
        scimType: 'invalidFilter',
        detail: expect.any(String),
      });
    }
    const deep = `${'('.repeat(200)}userName pr${')'.repeat(200)}`;
    expect((await t.scim('GET', `/Users?filter=${encodeURIComponent(deep)}`)).json.scimType).toBe(
      'invalidFilter',
    );
  });

  it('sorts with sortBy and sortOrder', async () => {
    expect(userNames(await list('sortBy=userName'))).toEqual(['emp1', 'emp2', 'emp3', 'OMalley', 'Zed']);
    expect(userNames(await list('sortBy=userName&sortOrder=DESCENDING'))).toEqual([
      'Zed',
      'OMalley',
      'emp3',
      'emp2',
      'emp1',
    ]);
    expect(userNames(await list('sortBy=displayName&sortOrder=descending')).slice(0, 1)).toEqual(['Zed']);
    const bad = await t.scim('GET', '/Users?sortBy=emails.value');
    expect(bad.status).toBe(400);
    expect(bad.json.scimType).toBe('invalidValue');
    expect((await t.scim('GET', '/Users?sortOrder=sideways')).status).toBe(400);
    expect((await t.scim('GET', '/Users?sortBy=shoeSize')).json.scimType).toBe('invalidValue');
  });

  it('pages with startIndex and count; count=0 answers totalResults only', async () => {
    const page = await list('startIndex=2&count=2');
    expect(page).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 2 });
    expect(userNames(page)).toEqual(['emp1', 'emp2']);
    expect(userNames(await list('startIndex=5&count=10'))).toEqual(['Zed']);
    expect(await list('startIndex=9')).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    expect(await list('count=0')).toEqual({
      schemas: [LIST],
      totalResults: 5,
      itemsPerPage: 0,
      startIndex: 1,
      Resources: [],
    });
    // RFC 7644 §3.4.2.4: below 1 reads as 1, a negative count as 0.
    expect(await list('startIndex=-3&count=-1')).toMatchObject({ startIndex: 1, itemsPerPage: 0 });
    const bad = await t.scim('GET', '/Users?count=ten');
    expect(bad.status).toBe(400);
    expect(bad.json.scimType).toBe('invalidValue');
  });

  it('projects list resources with attributes and excludedAttributes', async () => {
    const body = await list('attributes=userName,emails&count=1');
    expect(Object.keys(body.Resources[0]).sort()).toEqual(['emails', 'id', 'schemas', 'userName']);
    const lean = await list('excludedAttributes=emails,name,meta&count=1');
    expect(lean.Resources[0].emails).toBeUndefined();
    expect(lean.Resources[0].userName).toBe('OMalley');
    // Microsoft's collection puts a value filter in attributes; it names the attribute.
    const filtered = await list(`attributes=${encodeURIComponent('emails[type eq "work"]')}`);
    expect(filtered.Resources[0]).toEqual({
      schemas: expect.any(Array),
      id: expect.any(String),
      emails: [{ value: 'omalley@example.org', type: 'work' }],
    });
  });

  it('searches with POST /.search', async () => {
    const res = await t.scim('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName sw "emp"',
      sortBy: 'userName',
      sortOrder: 'descending',
      startIndex: 1,
      count: 2,
      attributes: ['userName'],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ totalResults: 3, itemsPerPage: 2 });
    expect(userNames(res.json)).toEqual(['emp3', 'emp2']);
    const bad = await t.scim('POST', '/Users/.search', { schemas: ['urn:x'], filter: 'userName pr' });
    expect(bad.status).toBe(400);
    expect(bad.json.scimType).toBe('invalidSyntax');
  });

  it('lists and filters groups', async () => {
    const all = await t.scim('GET', '/Groups');
    expect(all.json).toMatchObject({ totalResults: 1, Resources: [{ displayName: 'Readers' }] });
    const some = await t.scim(
      'GET',
      `/Groups?filter=${encodeURIComponent('displayName eq "readers"')}&excludedAttributes=members`,
    );
    expect(some.json.totalResults).toBe(1);
    const none = await t.scim('POST', '/Groups/.search', { filter: 'externalId pr' });
    expect(none.json).toMatchObject({ totalResults: 0, Resources: [] });
  });
});
