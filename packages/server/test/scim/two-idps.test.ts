/**
 * Two identity providers provisioning the same userName at the same moment, each through its
 * own Tessera instance (its own connection to one database) over real HTTP: exactly one create
 * wins (201), the other answers 409 uniqueness, and nothing of the loser is left behind — no
 * user, no audit row, no event — whether it came as POST /Users or inside a Bulk request.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAudit } from '../../src/core/audit.js';
import { describeDialects, openTestStore, type TestStore } from '../support/stores.js';
import { type ScimTestApp, startScimApp, userBody } from './support.js';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

describeDialects('SCIM: two identity providers at once', (dialect) => {
  let store: TestStore;
  let entra: ScimTestApp;
  let okta: ScimTestApp;
  const urls: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const masterKey = randomBytes(32);
    entra = await startScimApp(dialect, { app: { store: store.store, masterKey }, role: 'entra-scim' });
    okta = await startScimApp(dialect, {
      app: { store: await store.reopen(), masterKey },
      idpName: 'Okta',
      role: 'okta-scim',
    });
    for (const [name, t] of [
      ['entra', entra],
      ['okta', okta],
    ] as const) {
      urls[name] = await t.app.listen({ port: 0, host: '127.0.0.1' });
      tokens[name] = await t.idpToken();
    }
  });
  afterAll(async () => {
    await entra?.close();
    await okta?.close();
    await store?.cleanup();
  });

  const post = async (idp: 'entra' | 'okta', path: string, body: unknown) => {
    const res = await fetch(`${urls[idp]}/scim/v2${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[idp]}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const usersNamed = async (userName: string) =>
    (await entra.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).json
      .Resources as { id: string }[];
  const createdRows = async (userName: string) =>
    (await store.store.listAudit({ limit: 10_000, filter: { action: 'user.created' } })).filter(
      (row) => String(row.summary.userName).toLowerCase() === userName.toLowerCase(),
    );

  it('POST /Users of one userName from both at once: one 201, one 409 uniqueness, one user', async () => {
    for (let i = 0; i < 10; i++) {
      const [a, b] = await Promise.all([
        post('entra', '/Users', userBody(`race-${i}@example.com`)),
        post('okta', '/Users', userBody(`RACE-${i}@example.com`)),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.json).toMatchObject({ status: '409', scimType: 'uniqueness' });
      const users = await usersNamed(`race-${i}@example.com`);
      expect(users).toHaveLength(1);
      const winner = a.status === 201 ? a : b;
      expect(users[0]?.id).toBe(winner.json.id);
      const rows = await createdRows(`race-${i}@example.com`);
      expect(rows.map((r) => [r.targetId, r.actorId])).toEqual([
        [winner.json.id, a.status === 201 ? entra.idpClientId : okta.idpClientId],
      ]);
    }
    expect((await verifyAudit(entra.runtime.ctx)).ok).toBe(true);
  });

  it('a Bulk request against single POSTs for the same userNames: each name created once', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `bulk-race-${i}@example.com`);
    const position = await store.store.lastEventPosition();
    const [bulk, ...singles] = await Promise.all([
      post('entra', '/Bulk', {
        schemas: [BULK_REQUEST],
        Operations: names.map((name, i) => ({
          method: 'POST',
          path: '/Users',
          bulkId: `u${i}`,
          data: userBody(name),
        })),
      }),
      ...names.map((name) => post('okta', '/Users', userBody(name.toUpperCase()))),
    ]);
    expect(bulk?.status).toBe(200);
    const ops = bulk?.json.Operations as {
      status: string;
      location?: string;
      response?: { scimType?: string };
    }[];
    expect(ops).toHaveLength(names.length);
    for (const [i, name] of names.entries()) {
      const fromBulk = ops[i] as (typeof ops)[number];
      const single = singles[i] as { status: number; json: Record<string, unknown> };
      expect([fromBulk.status, String(single.status)].sort()).toEqual(['201', '409']);
      const loser = fromBulk.status === '409' ? fromBulk.response : single.json;
      expect(loser).toMatchObject({ scimType: 'uniqueness' });
      const winnerId = fromBulk.status === '201' ? fromBulk.location?.split('/').pop() : single.json.id;
      const users = await usersNamed(name);
      expect(users.map((u) => u.id)).toEqual([winnerId]);
      expect((await createdRows(name)).map((r) => r.targetId)).toEqual([winnerId]);
    }
    const events = (await store.store.readEvents(position, 10_000)).filter((e) => e.type === 'user.created');
    expect(events).toHaveLength(names.length);
    expect(new Set(events.map((e) => e.subjectId)).size).toBe(names.length);
    expect((await verifyAudit(entra.runtime.ctx)).ok).toBe(true);
  });
});
