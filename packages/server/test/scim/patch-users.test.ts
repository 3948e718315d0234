/** PATCH /scim/v2/Users/{id}: RFC 7644 §3.5.2 add/replace/remove, value filters, Entra ID's forms. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { ENTERPRISE, patchOp, type ScimTestApp, startScimApp, userBody } from './support.js';

describeDialects('SCIM PATCH Users', (dialect) => {
  let t: ScimTestApp;
  let n = 0;
  beforeAll(async () => {
    t = await startScimApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh user with two emails, a name and a department; returns its id. */
  const fresh = async (extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await t.scim(
      'POST',
      '/Users',
      userBody(`patch-${++n}`, {
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [
          { value: 'ada@work.example', type: 'work', primary: true },
          { value: 'ada@home.example', type: 'home' },
        ],
        [ENTERPRISE]: { department: 'Engines' },
        ...extra,
      }),
    );
    expect(res.status, res.body).toBe(201);
    return res.json.id;
  };
  const patch = (id: string, ...ops: unknown[]) =>
    t.scim('PATCH', `/Users/${id}?excludedAttributes=groups`, patchOp(...ops));
  const get = async (id: string) => (await t.scim('GET', `/Users/${id}`)).json;

  describe('replace', () => {
    it('sets single values with op in any case; answers 204 without attributes, 200 with', async () => {
      const id = await fresh();
      const quiet = await t.scim(
        'PATCH',
        `/Users/${id}`,
        patchOp({ op: 'Replace', path: 'userName', value: 'renamed' }),
      );
      expect(quiet.status).toBe(204);
      expect(quiet.body).toBe('');
      expect(quiet.headers.etag).toBe('W/"2"');
      const loud = await patch(id, { op: 'REPLACE', path: 'active', value: 'False' });
      expect(loud.status).toBe(200);
      expect(loud.json).toMatchObject({ userName: 'renamed', active: false, meta: { version: 'W/"3"' } });
    });

    it('merges sub-attributes of a complex value (§3.5.2.3) and sets one sub-attribute', async () => {
      const id = await fresh();
      await patch(id, { op: 'replace', path: 'name', value: { givenName: 'Augusta' } });
      expect((await get(id)).name).toEqual({ givenName: 'Augusta', familyName: 'Lovelace' });
      await patch(id, { op: 'replace', path: 'name.familyName', value: 'King' });
      expect((await get(id)).name).toEqual({ givenName: 'Augusta', familyName: 'King' });
    });

    it('changes the value a filter selects: emails[type eq "work"].value', async () => {
      const id = await fresh();
      await patch(id, { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@work.example' });
      expect((await get(id)).emails).toEqual([
        { value: 'new@work.example', type: 'work', primary: true },
        { value: 'ada@home.example', type: 'home' },
      ]);
    });

    it('replaces all values of a multi-valued attribute without a filter', async () => {
      const id = await fresh();
      await patch(id, {
        op: 'replace',
        path: 'emails',
        value: [{ value: 'only@example.com', type: 'other' }],
      });
      expect((await get(id)).emails).toEqual([{ value: 'only@example.com', type: 'other' }]);
    });

    it('takes a path-less value keyed by attributes and paths (Entra ID)', async () => {
      const id = await fresh();
      const res = await patch(id, {
        op: 'Replace',
        value: {
          displayName: 'Ada L.',
          'name.givenName': 'Augusta Ada',
          'emails[type eq "work"].value': 'aal@work.example',
          [`${ENTERPRISE}:department`]: 'Analytical Engines',
          [ENTERPRISE]: { costCenter: 'CC-1' },
          id: 'ignored',
          schemas: ['ignored'],
        },
      });
      expect(res.status, res.body).toBe(200);
      expect(res.json).toMatchObject({
        displayName: 'Ada L.',
        name: { givenName: 'Augusta Ada', familyName: 'Lovelace' },
        emails: [{ value: 'aal@work.example', type: 'work' }, { value: 'ada@home.example' }],
        [ENTERPRISE]: { department: 'Analytical Engines', costCenter: 'CC-1' },
      });
      expect(res.json.id).toBe(id);
    });

    it('sets the enterprise manager from a bare id (Entra ID) and removes it', async () => {
      const id = await fresh();
      await patch(id, { op: 'Replace', path: `${ENTERPRISE}:manager`, value: 'boss-id' });
      expect((await get(id))[ENTERPRISE]).toEqual({ department: 'Engines', manager: { value: 'boss-id' } });
      await patch(id, { op: 'Remove', path: `${ENTERPRISE}:manager` });
      expect((await get(id))[ENTERPRISE]).toEqual({ department: 'Engines' });
      await patch(id, { op: 'remove', path: `${ENTERPRISE}:department` });
      const user = await get(id);
      expect(user[ENTERPRISE]).toBeUndefined();
      expect(user.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
    });

    it('creates the value an eq filter describes when none matches (Entra ID adds emails this way)', async () => {
      const id = await fresh({ emails: [] });
      await patch(id, { op: 'Add', path: 'emails[type eq "work"].value', value: 'first@work.example' });
      await patch(id, { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' });
      const user = await get(id);
      expect(user.emails).toEqual([{ type: 'work', value: 'first@work.example' }]);
      expect(user.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0100' }]);
    });
  });

  describe('add', () => {
    it('appends new values, skips ones already there, and keeps one primary', async () => {
      const id = await fresh();
      await patch(id, {
        op: 'add',
        path: 'emails',
        value: [
          { value: 'ada@home.example', type: 'home' },
          { value: 'ada@new.example', type: 'other', primary: true },
        ],
      });
      expect((await get(id)).emails).toEqual([
        { value: 'ada@work.example', type: 'work' },
        { value: 'ada@home.example', type: 'home' },
        { value: 'ada@new.example', type: 'other', primary: true },
      ]);
    });

    it('adds attributes without a path', async () => {
      const id = await fresh();
      await patch(id, {
        op: 'add',
        value: { nickName: 'Ada', title: 'Countess', phoneNumbers: [{ value: '1', type: 'work' }] },
      });
      expect(await get(id)).toMatchObject({
        nickName: 'Ada',
        title: 'Countess',
        phoneNumbers: [{ value: '1', type: 'work' }],
      });
    });
  });

  describe('remove', () => {
    it('removes single values, selected values and sub-attributes; a filter matching nothing is no change', async () => {
      const id = await fresh({ title: 'Countess' });
      await patch(id, { op: 'remove', path: 'title' });
      await patch(id, { op: 'remove', path: 'emails[type eq "home"]' });
      await patch(id, { op: 'remove', path: 'emails[type eq "work"].primary' });
      const res = await patch(id, { op: 'remove', path: 'emails[type eq "fax"]' });
      expect(res.status).toBe(200);
      const user = await get(id);
      expect(user.title).toBeUndefined();
      expect(user.emails).toEqual([{ value: 'ada@work.example', type: 'work' }]);
    });

    it('removes the values given in value (Entra ID) rather than all of them', async () => {
      const id = await fresh();
      await patch(id, { op: 'remove', path: 'emails', value: [{ value: 'ADA@HOME.EXAMPLE' }] });
      expect((await get(id)).emails).toEqual([{ value: 'ada@work.example', type: 'work', primary: true }]);
      await patch(id, { op: 'remove', path: 'emails' });
      expect((await get(id)).emails).toBeUndefined();
    });
  });

  describe('refusals', () => {
    it.each([
      { what: 'replacing id', op: { op: 'replace', path: 'id', value: 'x' }, scimType: 'mutability' },
      {
        what: 'replacing meta.created',
        op: { op: 'replace', path: 'meta.created', value: 'x' },
        scimType: 'mutability',
      },
      {
        what: 'adding groups',
        op: { op: 'add', path: 'groups', value: [{ value: 'x' }] },
        scimType: 'mutability',
      },
      { what: 'removing userName', op: { op: 'remove', path: 'userName' }, scimType: 'mutability' },
      {
        what: 'replacing userName with null',
        op: { op: 'replace', path: 'userName', value: null },
        scimType: 'mutability',
      },
      {
        what: 'an unknown attribute',
        op: { op: 'replace', path: 'shoeSize', value: '9' },
        scimType: 'invalidPath',
      },
      {
        what: 'an unknown sub-attribute',
        op: { op: 'replace', path: 'name.nickname', value: 'x' },
        scimType: 'invalidPath',
      },
      {
        what: 'an unknown schema',
        op: { op: 'replace', path: 'urn:example:x:y', value: 'x' },
        scimType: 'invalidPath',
      },
      {
        what: 'a sub-attribute of all values',
        op: { op: 'replace', path: 'emails.value', value: 'x' },
        scimType: 'invalidPath',
      },
      {
        what: 'a malformed path',
        op: { op: 'replace', path: 'name..x', value: 'x' },
        scimType: 'invalidPath',
      },
      {
        what: 'a malformed value filter',
        op: { op: 'remove', path: 'emails[type xx "work"]' },
        scimType: 'invalidFilter',
      },
      {
        what: 'a filter no value matches (replace, not eq)',
        op: { op: 'replace', path: 'emails[value co "nowhere"].type', value: 'x' },
        scimType: 'noTarget',
      },
      { what: 'remove without path', op: { op: 'remove' }, scimType: 'noTarget' },
      { what: 'add without value', op: { op: 'add', path: 'title' }, scimType: 'invalidSyntax' },
      {
        what: 'a wrong type',
        op: { op: 'replace', path: 'active', value: 'maybe' },
        scimType: 'invalidValue',
      },
      {
        what: 'a path-less value that is not an object',
        op: { op: 'replace', value: 'x' },
        scimType: 'invalidValue',
      },
      {
        what: 'two primaries',
        op: {
          op: 'replace',
          path: 'emails',
          value: [
            { value: 'a', primary: true },
            { value: 'b', primary: 'True' },
          ],
        },
        scimType: 'invalidValue',
      },
    ])('refuses $what with 400 $scimType and changes nothing', async ({ op, scimType }) => {
      const id = await fresh();
      const before = await get(id);
      const res = await patch(id, { op: 'replace', path: 'displayName', value: 'changed first' }, op);
      expect(res.status, res.body).toBe(400);
      expect(res.json.scimType).toBe(scimType);
      expect(await get(id)).toEqual(before);
    });

    it('refuses a body that is not a PatchOp with 400 invalidSyntax', async () => {
      const id = await fresh();
      for (const body of [
        { Operations: [{ op: 'add', path: 'title', value: 'x' }] },
        { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] },
        { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: 'add' },
        '{"schemas": [',
      ]) {
        const res = await t.scim('PATCH', `/Users/${id}`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.json.scimType).toBe('invalidSyntax');
      }
    });

    it('answers 412 for a stale If-Match and 404 for an unknown user', async () => {
      const id = await fresh();
      const stale = await t.scim('PATCH', `/Users/${id}`, patchOp({ op: 'add', path: 'title', value: 'x' }), {
        'if-match': 'W/"0"',
      });
      expect(stale.status).toBe(412);
      const missing = await t.scim(
        'PATCH',
        '/Users/0190a000-0000-7000-8000-000000000000',
        patchOp({ op: 'add', path: 'title', value: 'x' }),
      );
      expect(missing.status).toBe(404);
    });
  });

  it('keeps a user unchanged (same version) when the operations change nothing', async () => {
    const id = await fresh({ title: 'Same' });
    const res = await patch(id, { op: 'replace', path: 'title', value: 'Same' });
    expect(res.json.meta.version).toBe('W/"1"');
  });
});
