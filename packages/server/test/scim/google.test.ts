/**
 * Google Workspace's SCIM request shapes: path-less PATCH `replace` operations whose value
 * carries several attributes (complex and multi-valued ones included), and active=false to suspend.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { patchOp, type ScimTestApp, startScimApp, userBody } from './support.js';

describeDialects('SCIM as Google Workspace drives it', (dialect) => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await startScimApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('applies a path-less replace of several attributes at once', async () => {
    const created = await t.scim(
      'POST',
      '/Users',
      userBody('jane@example.com', {
        name: { givenName: 'Jane', familyName: 'Doe' },
        emails: [{ value: 'jane@example.com', type: 'work', primary: true }],
        externalId: 'g-1',
      }),
    );
    const id = created.json.id as string;
    const res = await t.scim(
      'PATCH',
      `/Users/${id}`,
      patchOp({
        op: 'replace',
        value: {
          name: { givenName: 'Janet' },
          displayName: 'Janet Doe',
          emails: [{ value: 'janet@example.com', type: 'work', primary: true }],
          active: true,
        },
      }),
    );
    expect(res.status, res.body).toBe(204);
    const user = (await t.scim('GET', `/Users/${id}`)).json;
    expect(user).toMatchObject({
      name: { givenName: 'Janet', familyName: 'Doe' },
      displayName: 'Janet Doe',
      emails: [{ value: 'janet@example.com', type: 'work', primary: true }],
      externalId: 'g-1',
      active: true,
    });
  });

  it('suspends with a path-less replace of active, and renames userName', async () => {
    const created = await t.scim('POST', '/Users', userBody('sus@example.com'));
    const id = created.json.id as string;
    const res = await t.scim(
      'PATCH',
      `/Users/${id}`,
      patchOp({ op: 'replace', value: { active: false, userName: 'suspended@example.com' } }),
    );
    expect(res.status, res.body).toBe(204);
    expect((await t.scim('GET', `/Users/${id}`)).json).toMatchObject({
      active: false,
      userName: 'suspended@example.com',
    });
  });
});
