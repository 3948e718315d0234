/** POST /scim/v2/.search at the root (RFC 7644 §3.4.3): Users and Groups as one list. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { GROUP_SCHEMA, LIST, type ScimTestApp, startScimApp, userBody } from './support.js';

const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

describeDialects('SCIM root search', (dialect) => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await startScimApp(dialect);
    for (const name of ['sales.ann', 'sales.bob', 'ops.cid'])
      await t.scim('POST', '/Users', userBody(name, { displayName: name }));
    for (const name of ['sales.team', 'ops.team'])
      await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: name });
  });
  afterAll(async () => {
    await t?.close();
  });
  const search = (body: Record<string, unknown>) =>
    t.scim('POST', '/.search', { schemas: [SEARCH], ...body });

  it('lists users then groups matching the filter, paged across both', async () => {
    const res = await search({ filter: 'displayName sw "sales"', sortBy: 'displayName' });
    expect(res.status, res.body).toBe(200);
    expect(res.json).toMatchObject({ schemas: [LIST], totalResults: 3, startIndex: 1, itemsPerPage: 3 });
    expect(res.json.Resources.map((r: { displayName: string }) => r.displayName)).toEqual([
      'sales.ann',
      'sales.bob',
      'sales.team',
    ]);
    const page = await search({
      filter: 'displayName sw "sales"',
      sortBy: 'displayName',
      startIndex: 2,
      count: 2,
    });
    expect(page.json.Resources.map((r: { displayName: string }) => r.displayName)).toEqual([
      'sales.bob',
      'sales.team',
    ]);
    const groupsOnly = await search({ filter: 'displayName sw "sales"', startIndex: 3, count: 5 });
    expect(
      groupsOnly.json.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType),
    ).toEqual(['Group']);
  });

  it('matches only the type that has the attribute, and refuses a filter neither has', async () => {
    const users = await search({ filter: 'userName sw "ops"' });
    expect(users.json.totalResults).toBe(1);
    expect(users.json.Resources[0].userName).toBe('ops.cid');
    const count = await search({ count: 0 });
    expect(count.json).toMatchObject({ totalResults: 5, itemsPerPage: 0 });
    const bad = await search({ filter: 'nosuch eq "x"' });
    expect(bad.status).toBe(400);
    expect(bad.json.scimType).toBe('invalidFilter');
  });

  it('sorts within each type, ascending or descending, users before groups', async () => {
    const names = (res: { json: { Resources: { displayName: string }[] } }) =>
      res.json.Resources.map((r) => r.displayName);
    const down = await search({ sortBy: 'displayName', sortOrder: 'descending' });
    expect(down.status, down.body).toBe(200);
    expect(names(down)).toEqual(['sales.bob', 'sales.ann', 'ops.cid', 'sales.team', 'ops.team']);
    const up = await search({ sortBy: 'displayName', sortOrder: 'ascending', filter: 'displayName co "."' });
    expect(names(up)).toEqual(['ops.cid', 'sales.ann', 'sales.bob', 'ops.team', 'sales.team']);
    // userName is the users' only: they sort by it; the groups, which have none, keep id order.
    const byUserName = await search({ sortBy: 'userName', sortOrder: 'descending' });
    expect(names(byUserName)).toEqual(['sales.bob', 'sales.ann', 'ops.cid', 'sales.team', 'ops.team']);
    const paged = await search({ sortBy: 'displayName', sortOrder: 'descending', startIndex: 3, count: 2 });
    expect(paged.json).toMatchObject({ totalResults: 5, startIndex: 3, itemsPerPage: 2 });
    expect(names(paged)).toEqual(['ops.cid', 'sales.team']);
    const bad = await search({ sortBy: 'shoeSize' });
    expect(bad.status).toBe(400);
    expect(bad.json.scimType).toBe('invalidValue');
    const sideways = await search({ sortBy: 'displayName', sortOrder: 'sideways' });
    expect(sideways.status).toBe(400);
  });
});
