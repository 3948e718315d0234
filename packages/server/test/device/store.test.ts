/**
 * The device authorization queries (core/oauth/device/ports.ts) on both dialects: round trip,
 * unique code hashes, the compare-and-set transitions that make polling and redemption safe
 * under concurrency, cascades and pruning.
 */
import { expect, it } from 'vitest';
import { uuidv7 } from '../../src/core/ids.js';
import type { DeviceAuthorization } from '../../src/core/oauth/device/ports.js';
import type { Store } from '../../src/core/ports.js';
import { expectTesseraError } from '../store/conformance/expect-error.js';
import { at, makeClient, makeUser } from '../store/fixtures.js';
import { describeDialects, useTestStore } from '../support/stores.js';

let n = 0;
async function seed(store: Store, overrides: Partial<DeviceAuthorization> = {}) {
  const client = makeClient();
  await store.insertClient(client);
  n += 1;
  const row: DeviceAuthorization = {
    id: uuidv7(),
    deviceCodeHash: `device-${n}-${Math.random()}`,
    userCodeHash: `user-${n}-${Math.random()}`,
    clientId: client.id,
    audience: 'https://api.example.com',
    scope: 'openid billing:read',
    status: 'pending',
    userId: null,
    authTime: null,
    intervalMs: 5000,
    lastPolledAt: null,
    createdAt: at(0),
    expiresAt: at(600_000),
    decidedAt: null,
    ...overrides,
  };
  await store.insertDeviceAuthorization(row);
  return { client, row };
}

describeDialects('device authorization queries', (dialect) => {
  const store = useTestStore(dialect);

  it('round-trips every field, found by either hash', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const { row } = await seed(store(), {
      status: 'approved',
      userId: user.id,
      authTime: at(5),
      lastPolledAt: at(7),
      decidedAt: at(9),
    });
    expect(await store().getDeviceAuthorizationByDeviceCode(row.deviceCodeHash)).toEqual(row);
    expect(await store().getDeviceAuthorizationByUserCode(row.userCodeHash)).toEqual(row);
    expect(await store().getDeviceAuthorizationByUserCode('nope')).toBeUndefined();
  });

  it('refuses a second row with the same user code hash as a conflict', async () => {
    const { row } = await seed(store());
    await expectTesseraError(
      seed(store(), { userCodeHash: row.userCodeHash }).then(() => undefined),
      'ERR_CONFLICT',
    );
  });

  it('records a poll only against the last poll it read (compare-and-set)', async () => {
    const { row } = await seed(store());
    expect(await store().recordDevicePoll(row.id, null, at(1000), 5000)).toBe(true);
    // A concurrent poll that also read "never polled" loses.
    expect(await store().recordDevicePoll(row.id, null, at(1001), 5000)).toBe(false);
    expect(await store().recordDevicePoll(row.id, at(1000), at(2000), 10_000)).toBe(true);
    const stored = await store().getDeviceAuthorizationByDeviceCode(row.deviceCodeHash);
    expect(stored?.lastPolledAt).toEqual(at(2000));
    expect(stored?.intervalMs).toBe(10_000);
  });

  it('decides once, then redeems once', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const { row } = await seed(store());
    expect(await store().redeemDeviceAuthorization(row.id, at(10))).toBe(false);
    const decision = { status: 'approved' as const, userId: user.id, authTime: at(1), at: at(2) };
    expect(await store().decideDeviceAuthorization(row.id, decision)).toBe(true);
    expect(await store().decideDeviceAuthorization(row.id, { ...decision, status: 'denied' })).toBe(false);
    expect(await store().redeemDeviceAuthorization(row.id, at(10))).toBe(true);
    expect(await store().redeemDeviceAuthorization(row.id, at(11))).toBe(false);
    const stored = await store().getDeviceAuthorizationByDeviceCode(row.deviceCodeHash);
    expect(stored).toMatchObject({ status: 'redeemed', userId: user.id, authTime: at(1), decidedAt: at(10) });
  });

  it('a denied authorization cannot be redeemed', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const { row } = await seed(store());
    await store().decideDeviceAuthorization(row.id, {
      status: 'denied',
      userId: user.id,
      authTime: at(1),
      at: at(2),
    });
    expect(await store().redeemDeviceAuthorization(row.id, at(3))).toBe(false);
  });

  it('goes with its client and with the user who decided it', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const first = await seed(store());
    const second = await seed(store());
    await store().decideDeviceAuthorization(second.row.id, {
      status: 'approved',
      userId: user.id,
      authTime: at(1),
      at: at(2),
    });
    await store().deleteClient(first.client.id);
    expect(await store().getDeviceAuthorizationByDeviceCode(first.row.deviceCodeHash)).toBeUndefined();
    await store().deleteUser(user.id);
    expect(await store().getDeviceAuthorizationByDeviceCode(second.row.deviceCodeHash)).toBeUndefined();
  });

  it('prunes only what expired before the cut-off', async () => {
    const old = await seed(store(), { expiresAt: at(100) });
    const young = await seed(store(), { expiresAt: at(10_000) });
    expect(await store().deleteExpiredDeviceAuthorizations(at(5_000))).toBe(1);
    expect(await store().getDeviceAuthorizationByDeviceCode(old.row.deviceCodeHash)).toBeUndefined();
    expect(await store().getDeviceAuthorizationByDeviceCode(young.row.deviceCodeHash)).toBeDefined();
  });
});
