/** /scim/v2/Bulk (RFC 7644 §3.7): bulkId references, failOnErrors, per-operation rollback, limits. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAudit } from '../../src/core/audit.js';
import { describeDialects } from '../support/stores.js';
import { GROUP_SCHEMA, patchOp, type ScimTestApp, startScimApp, USER_SCHEMA, userBody } from './support.js';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const bulk = (operations: unknown[], extra: Record<string, unknown> = {}) => ({
  schemas: [BULK_REQUEST],
  Operations: operations,
  ...extra,
});
interface Result {
  method: string;
  bulkId?: string;
  status: string;
  location?: string;
  version?: string;
  response?: { scimType?: string; detail?: string; status?: string };
}

describeDialects('SCIM Bulk', (dialect) => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await startScimApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });
  const results = (res: { json: { Operations: Result[] } }) => res.json.Operations;
  const userIdByName = async (userName: string): Promise<string | undefined> => {
    const res = await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    return res.json.Resources[0]?.id;
  };

  it('advertises bulk in ServiceProviderConfig', async () => {
    const res = await t.scim('GET', '/ServiceProviderConfig');
    expect(res.json.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 4 * 1024 * 1024 });
  });

  it('creates users and a group naming them by bulkId, in any order', async () => {
    const res = await t.scim(
      'POST',
      '/Bulk',
      bulk([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g1',
          data: {
            schemas: [GROUP_SCHEMA],
            displayName: 'Bulk Group',
            members: [{ value: 'bulkId:u1' }, { value: 'bulkId:u2' }],
          },
        },
        { method: 'POST', path: '/Users', bulkId: 'u1', data: userBody('bulk.ann') },
        { method: 'POST', path: '/Users', bulkId: 'u2', data: userBody('bulk.bob') },
        {
          method: 'PATCH',
          path: '/Users/bulkId:u2',
          data: patchOp({ op: 'replace', path: 'displayName', value: 'Bob' }),
        },
      ]),
    );
    expect(res.status, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/scim+json');
    expect(res.json.schemas).toEqual([BULK_RESPONSE]);
    const ops = results(res);
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ['u1', '201'],
      ['u2', '201'],
      [undefined, '204'],
      ['g1', '201'],
    ]);
    const ann = await userIdByName('bulk.ann');
    const bob = await userIdByName('bulk.bob');
    expect(ops[0]).toMatchObject({
      method: 'POST',
      location: `http://tessera.test/scim/v2/Users/${ann}`,
      version: 'W/"1"',
    });
    expect(ops[2]?.location).toBe(`http://tessera.test/scim/v2/Users/${bob}`);
    const group = await t.scim('GET', String(ops[3]?.location).replace('http://tessera.test/scim/v2', ''));
    expect(group.json.members.map((m: { value: string }) => m.value).sort()).toEqual([ann, bob].sort());
    expect((await t.scim('GET', `/Users/${bob}`)).json.displayName).toBe('Bob');
  });

  it('applies the good operations and leaves a failing one unapplied', async () => {
    await t.scim('POST', '/Users', userBody('taken'));
    const res = await t.scim(
      'POST',
      '/Bulk',
      bulk([
        { method: 'POST', path: '/Users', bulkId: 'a', data: userBody('good.one') },
        { method: 'POST', path: '/Users', bulkId: 'b', data: userBody('taken') },
        { method: 'POST', path: '/Users', bulkId: 'c', data: userBody('bad.email', { active: 'maybe' }) },
        { method: 'POST', path: '/Users', bulkId: 'd', data: userBody('good.two') },
        { method: 'DELETE', path: '/Users/no-such-user' },
      ]),
    );
    const ops = results(res);
    expect(ops.map((o) => o.status)).toEqual(['201', '409', '400', '201', '404']);
    expect(ops[1]?.response).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect(ops[2]?.response?.status).toBe('400');
    expect(await userIdByName('good.one')).toBeDefined();
    expect(await userIdByName('good.two')).toBeDefined();
    expect(await userIdByName('bad.email')).toBeUndefined();
    const list = await t.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "taken"')}`);
    expect(list.json.totalResults).toBe(1);
  });

  it('stops after failOnErrors errors', async () => {
    const res = await t.scim(
      'POST',
      '/Bulk',
      bulk(
        [
          { method: 'POST', path: '/Users', bulkId: 'x1', data: { schemas: [USER_SCHEMA] } },
          { method: 'POST', path: '/Users', bulkId: 'x2', data: userBody('fail.after.one') },
          { method: 'POST', path: '/Users', bulkId: 'x3', data: { schemas: [USER_SCHEMA] } },
          { method: 'POST', path: '/Users', bulkId: 'x4', data: userBody('fail.never') },
        ],
        { failOnErrors: 2 },
      ),
    );
    expect(results(res).map((o) => [o.bulkId, o.status])).toEqual([
      ['x1', '400'],
      ['x2', '201'],
      ['x3', '400'],
    ]);
    expect(await userIdByName('fail.after.one')).toBeDefined();
    expect(await userIdByName('fail.never')).toBeUndefined();
  });

  it('refuses circular bulkId references and references to failed or unknown operations', async () => {
    const res = await t.scim(
      'POST',
      '/Bulk',
      bulk([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'ga',
          data: { schemas: [GROUP_SCHEMA], displayName: 'Cycle A', members: [{ value: 'bulkId:gb' }] },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'gb',
          data: { schemas: [GROUP_SCHEMA], displayName: 'Cycle B', members: [{ value: 'bulkId:ga' }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [USER_SCHEMA] } },
        {
          method: 'PATCH',
          path: '/Users/bulkId:bad',
          data: patchOp({ op: 'replace', path: 'title', value: 'x' }),
        },
        {
          method: 'PATCH',
          path: '/Users/bulkId:nowhere',
          data: patchOp({ op: 'replace', path: 'title', value: 'x' }),
        },
      ]),
    );
    const ops = results(res);
    expect(ops.map((o) => [o.bulkId ?? o.method, o.status])).toEqual([
      ['bad', '400'],
      ['PATCH', '409'],
      ['PATCH', '400'],
      ['ga', '409'],
      ['gb', '409'],
    ]);
    expect(ops[3]?.response?.detail).toMatch(/circular/);
    const groups = await t.scim('GET', `/Groups?filter=${encodeURIComponent('displayName sw "Cycle"')}`);
    expect(groups.json.totalResults).toBe(0);
  });

  it('uses version as If-Match and checks paths', async () => {
    const created = await t.scim('POST', '/Users', userBody('versioned'));
    const id = created.json.id as string;
    const res = await t.scim(
      'POST',
      '/Bulk',
      bulk([
        {
          method: 'PUT',
          path: `/Users/${id}`,
          version: 'W/"7"',
          data: userBody('versioned', { title: 'a' }),
        },
        {
          method: 'PUT',
          path: `/Users/${id}`,
          version: 'W/"1"',
          data: userBody('versioned', { title: 'b' }),
        },
        { method: 'POST', path: '/Bulk', bulkId: 'r', data: {} },
        { method: 'DELETE', path: '/Users' },
      ]),
    );
    const ops = results(res);
    expect(ops.map((o) => o.status)).toEqual(['412', '200', '400', '400']);
    expect(ops[1]).toMatchObject({ version: 'W/"2"', location: `http://tessera.test/scim/v2/Users/${id}` });
    expect(ops[2]?.response?.scimType).toBe('invalidPath');
    expect((await t.scim('GET', `/Users/${id}`)).json.title).toBe('b');
  });

  it('refuses malformed requests and answers 413 over the limits', async () => {
    const bad = await t.scim('POST', '/Bulk', { Operations: [] });
    expect(bad.status).toBe(400);
    expect(bad.json.scimType).toBe('invalidSyntax');
    const noBulkId = await t.scim(
      'POST',
      '/Bulk',
      bulk([{ method: 'POST', path: '/Users', data: userBody('n') }]),
    );
    expect(noBulkId.status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ({ method: 'DELETE', path: `/Users/${i}` }));
    const tooMany = await t.scim('POST', '/Bulk', bulk(many));
    expect(tooMany.status).toBe(413);
    expect(tooMany.json).toMatchObject({ status: '413', scimType: 'tooMany' });
    expect(tooMany.json.detail).toMatch(/maxOperations \(1000\)/);
    const huge = bulk([
      {
        method: 'POST',
        path: '/Users',
        bulkId: 'h',
        data: userBody('h', { title: 'x'.repeat(4 * 1024 * 1024) }),
      },
    ]);
    const tooLarge = await t.scim('POST', '/Bulk', huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.detail).toMatch(/4 MiB/);
  });

  /** The audit rows and events written after the given marks, for one request's effects. */
  const journalSince = async (auditSeq: number, position: number) => {
    const store = t.runtime.store;
    const audit = await store.listAudit({ limit: 10_000, filter: { afterSeq: auditSeq } });
    const events = await store.readEvents(position, 10_000);
    return { audit, events };
  };
  const marks = async () => {
    const store = t.runtime.store;
    const last = await store.listAudit({ limit: 10_000 });
    return { seq: last.at(-1)?.seq ?? 0, position: await store.lastEventPosition() };
  };

  it('creates a run of users as one batch: an audit row and an event each, in order, the chain intact', async () => {
    await t.scim('POST', '/Users', userBody('batch.taken'));
    const before = await marks();
    const res = await t.scim(
      'POST',
      '/Bulk',
      bulk([
        { method: 'POST', path: '/Users', bulkId: 'b1', data: userBody('batch.one') },
        { method: 'POST', path: '/Users', bulkId: 'b2', data: userBody('BATCH.TAKEN') },
        { method: 'POST', path: '/Users', bulkId: 'b3', data: userBody('batch.two', { active: 'maybe' }) },
        { method: 'POST', path: '/Users', bulkId: 'b4', data: userBody('batch.three') },
        { method: 'POST', path: '/Users', bulkId: 'b5', data: userBody('Batch.Three') },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'b6',
          data: userBody('batch.four', { displayName: 'Four' }),
        },
      ]),
    );
    expect(res.status).toBe(200);
    const ops = results(res);
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ['b1', '201'],
      ['b2', '409'],
      ['b3', '400'],
      ['b4', '201'],
      ['b5', '409'],
      ['b6', '201'],
    ]);
    expect(ops[1]?.response).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect(ops[4]?.response).toMatchObject({ status: '409', scimType: 'uniqueness' });
    const ids = [ops[0], ops[3], ops[5]].map((o) => o?.location?.split('/').pop());
    for (const [i, id] of ids.entries()) {
      const user = await t.scim('GET', `/Users/${id}`);
      expect(user.status).toBe(200);
      expect(user.headers.etag).toBe(ops[[0, 3, 5][i] as number]?.version);
    }
    expect((await t.scim('GET', `/Users/${ids[2]}`)).json.displayName).toBe('Four');
    expect(await userIdByName('batch.two')).toBeUndefined();

    const { audit, events } = await journalSince(before.seq, before.position);
    expect(audit.map((a) => [a.action, a.targetId, a.actorId])).toEqual(
      ids.map((id) => ['user.created', id, t.idpClientId]),
    );
    expect(audit.map((a) => a.summary)).toEqual([
      { userName: 'batch.one', active: true },
      { userName: 'batch.three', active: true },
      { userName: 'batch.four', active: true },
    ]);
    expect(events.map((e) => [e.type, e.subjectId])).toEqual(ids.map((id) => ['user.created', id]));
    expect(events.map((e) => e.position)).toEqual(events.map((_, i) => before.position + 1 + i));
    const verified = await verifyAudit(t.runtime.ctx);
    expect(verified.ok).toBe(true);
    // The next change chains onto the batch's last row.
    await t.scim('POST', '/Users', userBody('batch.after'));
    expect((await verifyAudit(t.runtime.ctx)).ok).toBe(true);
  });

  it('failing half-way with failOnErrors: the earlier operations stand, the failed one is fully undone', async () => {
    const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'half way' });
    const before = await marks();
    const res = await t.scim(
      'POST',
      '/Bulk',
      bulk(
        [
          { method: 'POST', path: '/Users', bulkId: 'h1', data: userBody('half.one') },
          {
            method: 'PATCH',
            path: `/Groups/${group.json.id}`,
            data: patchOp({ op: 'add', path: 'members', value: [{ value: 'bulkId:h1' }] }),
          },
          // Two operations in one PATCH: the first would apply, the second fails, so neither does.
          {
            method: 'PATCH',
            path: `/Groups/${group.json.id}`,
            data: patchOp(
              { op: 'replace', path: 'displayName', value: 'renamed' },
              { op: 'add', path: 'nosuchattribute', value: 'x' },
            ),
          },
          { method: 'POST', path: '/Users', bulkId: 'h2', data: userBody('half.two') },
          { method: 'DELETE', path: `/Groups/${group.json.id}` },
        ],
        { failOnErrors: 1 },
      ),
    );
    const ops = results(res);
    expect(ops.map((o) => o.status)).toEqual(['201', '204', '400']);
    expect(ops[2]?.response?.scimType).toBe('invalidPath');
    const after = await t.scim('GET', `/Groups/${group.json.id}`);
    expect(after.status).toBe(200);
    expect(after.json.displayName).toBe('half way');
    expect(after.json.members.map((m: { value: string }) => m.value)).toEqual([
      ops[0]?.location?.split('/').pop(),
    ]);
    expect(after.headers.etag).toBe(ops[1]?.version);
    expect(await userIdByName('half.two')).toBeUndefined();
    const { audit } = await journalSince(before.seq, before.position);
    expect(audit.map((a) => a.action)).toEqual(['user.created', 'group.members_added']);
    expect((await verifyAudit(t.runtime.ctx)).ok).toBe(true);
  });
});
