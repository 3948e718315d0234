import { expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports.js';
import { makeApplication, makeClient, makeKey, makeRole, sortIds } from '../fixtures.js';
import { expectTesseraError } from './expect-error.js';

export function appsClientsKeysConformance(store: () => Store): void {
  it('round-trips applications; name, audience and namespace are each unique', async () => {
    const app = makeApplication();
    await store().insertApplication(app);
    expect(await store().getApplication(app.id)).toEqual(app);
    expect(await store().getApplicationByAudience(app.audience)).toEqual(app);
    expect(await store().getApplicationByAudience('https://nowhere.example')).toBeUndefined();
    for (const field of ['name', 'audience', 'namespace'] as const) {
      await expectTesseraError(
        store().insertApplication(makeApplication({ [field]: app[field] })),
        'ERR_CONFLICT',
        {
          field,
        },
      );
    }
  });

  it('updates, lists and deletes applications', async () => {
    const apps = [makeApplication(), makeApplication(), makeApplication()];
    for (const app of apps) await store().insertApplication(app);
    const [first] = apps as [(typeof apps)[0]];
    const updated = { ...first, name: 'Renamed', audience: 'https://renamed.example', version: 2 };
    expect(await store().updateApplication(updated, 1)).toBe(true);
    expect(await store().getApplication(first.id)).toEqual(updated);
    expect(await store().updateApplication({ ...updated, version: 3 }, 1)).toBe(false);
    const page1 = await store().listApplications({ limit: 2 });
    const page2 = await store().listApplications({ limit: 2, cursor: page1.nextCursor });
    expect([...page1.items, ...page2.items].map((a) => a.id)).toEqual(sortIds(apps.map((a) => a.id)));
    expect(await store().deleteApplication(first.id)).toBe(true);
    expect(await store().deleteApplication(first.id)).toBe(false);
    expect(await store().getApplication(first.id)).toBeUndefined();
  });

  it('round-trips clients; clientId is unique', async () => {
    const client = makeClient();
    const bare = makeClient({ defaultAudience: null, enabled: false, grantTypes: [] });
    await store().insertClient(client);
    await store().insertClient(bare);
    expect(await store().getClient(client.id)).toEqual(client);
    expect(await store().getClient(bare.id)).toEqual(bare);
    expect(await store().getClientByClientId(client.clientId)).toEqual(client);
    expect(await store().getClientByClientId(client.id)).toBeUndefined();
    await expectTesseraError(
      store().insertClient(makeClient({ clientId: client.clientId })),
      'ERR_CONFLICT',
      {
        field: 'clientId',
      },
    );
  });

  it('updates, lists and deletes clients, removing their role grants', async () => {
    const clients = [makeClient(), makeClient(), makeClient()];
    for (const client of clients) await store().insertClient(client);
    const [first] = clients as [(typeof clients)[0]];
    const role = makeRole();
    await store().insertRole(role);
    await store().grantClientRole(first.id, role.id);
    const updated = { ...first, name: 'Renamed', secretHash: 'rotated', enabled: false, version: 2 };
    expect(await store().updateClient(updated, 1)).toBe(true);
    expect(await store().getClient(first.id)).toEqual(updated);
    expect(await store().updateClient({ ...updated, version: 3 }, 1)).toBe(false);
    const page1 = await store().listClients({ limit: 2 });
    const page2 = await store().listClients({ limit: 2, cursor: page1.nextCursor });
    expect([...page1.items, ...page2.items].map((c) => c.id)).toEqual(sortIds(clients.map((c) => c.id)));
    expect(await store().deleteClient(first.id)).toBe(true);
    expect(await store().deleteClient(first.id)).toBe(false);
    expect(await store().listClientRoles(first.id)).toEqual([]);
    expect(await store().getRole(role.id)).toBeDefined();
  });

  it('round-trips signing keys oldest first, updates their life-cycle times and deletes them', async () => {
    const older = makeKey();
    const newer = makeKey({ alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'abc' } });
    await store().insertKey(newer);
    await store().insertKey(older);
    expect(await store().listKeys()).toEqual([older, newer]);
    await expectTesseraError(store().insertKey(makeKey({ kid: older.kid })), 'ERR_CONFLICT', {
      field: 'kid',
    });

    const retired = {
      ...older,
      activateAt: new Date(older.activateAt.getTime() + 1),
      retiredAt: new Date('2026-01-01T00:00:00.001Z'),
      removeAt: new Date('2026-01-02T00:00:00.002Z'),
      revokedAt: new Date('2026-01-03T00:00:00.003Z'),
      privateKeySealed: 'ignored by updateKey',
    };
    await store().updateKey(retired);
    expect((await store().listKeys())[0]).toEqual({ ...retired, privateKeySealed: older.privateKeySealed });
    await expectTesseraError(store().updateKey(makeKey()), 'ERR_NOT_FOUND');

    expect(await store().deleteKey(older.kid)).toBe(true);
    expect(await store().deleteKey(older.kid)).toBe(false);
    expect(await store().listKeys()).toEqual([newer]);
  });

  it('keeps small settings in meta', async () => {
    expect(await store().getMeta('bootstrapped')).toBeUndefined();
    await store().setMeta('bootstrapped', '2025-01-01');
    await store().setMeta('bootstrapped', '2025-02-02');
    await store().setMeta('other', '');
    expect(await store().getMeta('bootstrapped')).toBe('2025-02-02');
    expect(await store().getMeta('other')).toBe('');
  });
}
