/**
 * `tessera-cli`, the public client of `tessera login`: created by the bootstrap on a new store,
 * and on the first start after an upgrade of a store bootstrapped before it existed; never
 * re-created once an administrator deleted it.
 */
import { expect, it } from 'vitest';
import { bootstrap } from '../../src/core/bootstrap.js';
import { deleteClient } from '../../src/core/clients/service.js';
import type { CoreContext } from '../../src/core/context.js';
import { EventBus } from '../../src/core/events.js';
import { CLI_CLIENT_ID } from '../../src/core/oauth/device/cli-client.js';
import { systemClock } from '../../src/core/ports.js';
import { describeDialects, useTestStore } from '../support/stores.js';

describeDialects('tessera-cli, the bootstrapped client of tessera login', (dialect) => {
  const store = useTestStore(dialect);
  const ctx = (): CoreContext => ({ store: store(), clock: systemClock, bus: new EventBus() });

  it('is created on the first start: public, auth none, device_code and refresh_token only, no audience', async () => {
    expect(await bootstrap(ctx())).toBeDefined();
    const client = await store().getClientByClientId(CLI_CLIENT_ID);
    expect(client).toMatchObject({
      name: 'Tessera CLI',
      type: 'public',
      tokenEndpointAuthMethod: 'none',
      secretHash: '',
      grantTypes: ['refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      defaultAudience: null,
      firstParty: true,
      enabled: true,
    });
    const audit = await store().listAudit({ limit: 10, filter: { targetId: client?.id ?? '' } });
    expect(audit.map((a) => [a.action, a.actorType])).toEqual([['client.created', 'system']]);
  });

  it('comes to a store bootstrapped before it existed, once, and stays deleted when deleted', async () => {
    // A store an older version bootstrapped: the marker is there, tessera-cli is not.
    await store().transaction((tx) => tx.setMeta('bootstrap.completed_at', new Date().toISOString()));
    expect(await bootstrap(ctx())).toBeUndefined(); // no new admin client on an upgrade
    const created = await store().getClientByClientId(CLI_CLIENT_ID);
    expect(created?.type).toBe('public');

    await bootstrap(ctx());
    expect(
      (await store().listClients({ limit: 10 })).items.filter((c) => c.clientId === CLI_CLIENT_ID),
    ).toHaveLength(1);

    await deleteClient(ctx(), { type: 'system', id: 'admin' }, created?.id ?? '');
    await bootstrap(ctx());
    expect(await store().getClientByClientId(CLI_CLIENT_ID)).toBeUndefined();
  });
});
