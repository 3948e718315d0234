/**
 * GET /v1/events over a real listening server: who may follow it, the snapshot, live events,
 * resuming with Last-Event-ID, a gap that forces a resync, a slow consumer cut off, and a change
 * committed by another instance on the same PostgreSQL arriving through LISTEN/NOTIFY.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { openSse, type SseFrame } from '../support/sse.js';
import { describeDialects, openTestStore, type TestStore } from '../support/stores.js';

const position = (frame: SseFrame) => Number(frame.id);

describeDialects('event stream', (dialect) => {
  let t: TestApp;
  let url: string;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { events: { heartbeatMs: 100, maxBacklogBytes: 64 * 1024 } });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // A verifier's client: holds tessera:events, nothing else.
    await t.admin('POST', '/roles', { name: 'verifier', permissions: ['tessera:events'] });
    const client = await t.admin('POST', '/clients', {
      name: 'verifier',
      defaultAudience: 'urn:tessera:admin',
      roles: ['verifier'],
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${client.json.clientId}&client_secret=${client.json.clientSecret}`,
    });
    token = res.json().access_token;
  });
  afterAll(async () => t?.close());

  const follow = (headers: Record<string, string> = {}) =>
    openSse(`${url}/v1/events`, { authorization: `Bearer ${token}`, ...headers });

  it('refuses a missing token (401) and a token without tessera:events (403)', async () => {
    const none = await openSse(`${url}/v1/events`, {});
    expect(none.status).toBe(401);
    none.close();
    const plain = await t.admin('POST', '/clients', { name: 'plain', defaultAudience: 'urn:tessera:admin' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${plain.json.clientId}&client_secret=${plain.json.clientSecret}`,
    });
    const forbidden = await openSse(`${url}/v1/events`, {
      authorization: `Bearer ${res.json().access_token}`,
    });
    expect(forbidden.status).toBe(403);
    forbidden.close();
  });

  it('sends the snapshot, then each change as it commits, with heartbeats', async () => {
    const before = await t.admin('POST', '/users', { userName: 'snap' });
    const stream = await follow();
    expect(stream.status).toBe(200);
    const catalog = JSON.parse((await stream.waitFor((f) => f.event === 'catalog')).data);
    expect(catalog.roles.find((r: { name: string }) => r.name === 'tessera-admin').permissions).toEqual([
      'tessera:admin',
    ]);
    expect(stream.frames[0]?.event).toBe('catalog');
    expect(catalog.applications).toContainEqual({ audience: 'urn:tessera:admin', namespace: 'tessera' });
    const created = await stream.waitFor(
      (f) => f.event === 'user.created' && JSON.parse(f.data).subjectId === before.json.id,
    );
    const snapshot = await stream.waitFor((f) => f.event === 'snapshot');
    expect(position(snapshot)).toBeGreaterThanOrEqual(position(created));

    const role = (await t.admin('POST', '/roles', { name: 'live-role', permissions: ['app:read'] })).json;
    await t.admin('PUT', `/users/${before.json.id}/roles/live-role`);
    const granted = await stream.waitFor(
      (f) => f.event === 'user.access_changed' && JSON.parse(f.data).subjectId === before.json.id,
    );
    expect(JSON.parse(granted.data)).toMatchObject({
      subjectVersion: 2,
      data: { roles: ['live-role'], permissions: ['app:read'] },
    });
    const roleCreated = await stream.waitFor(
      (f) => f.event === 'role.created' && JSON.parse(f.data).subjectId === role.id,
    );
    expect(position(granted)).toBeGreaterThan(position(roleCreated));
    // Positions only grow; no event twice.
    const ids = stream.frames.filter((f) => f.id !== undefined && f.event !== 'snapshot').map(position);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    await new Promise((r) => setTimeout(r, 250));
    expect(stream.text()).toContain(': ping');
    stream.close();
  });

  it('resumes after Last-Event-ID with exactly the events after it', async () => {
    const first = await t.admin('POST', '/users', { userName: 'resume-1' });
    const last = await t.runtime.store.lastEventPosition();
    await t.admin('POST', '/users', { userName: 'resume-2' });
    await t.admin('POST', '/users', { userName: 'resume-3' });
    const stream = await follow({ 'last-event-id': String(last) });
    const third = await stream.waitFor(
      (f) => f.event === 'user.created' && JSON.parse(f.data).data.userName === 'resume-3',
    );
    const seen = stream.frames
      .filter((f) => f.event === 'user.created')
      .map((f) => JSON.parse(f.data).data.userName);
    expect(seen).toEqual(['resume-2', 'resume-3']);
    expect(position(third)).toBeGreaterThan(last);
    expect(stream.frames.some((f) => f.event === 'snapshot')).toBe(false);
    expect(first.status).toBe(201);
    stream.close();
  });

  it('answers a malformed Last-Event-ID with 400', async () => {
    const stream = await follow({ 'last-event-id': 'abc' });
    expect(stream.status).toBe(400);
    stream.close();
  });

  it('tells a client whose Last-Event-ID was pruned away to resync', async () => {
    await t.admin('POST', '/users', { userName: 'prune-1' });
    await t.admin('POST', '/users', { userName: 'prune-2' });
    await t.runtime.store.pruneEvents(new Date(Date.now() + 60_000));
    const stream = await follow({ 'last-event-id': '1' });
    const resync = await stream.waitFor((f) => f.event === 'resync');
    expect(JSON.parse(resync.data)).toEqual({ reason: 'gap' });
    await stream.ended;
  });

  it('cuts off a consumer that does not read, instead of buffering without bound', async () => {
    const stream = await follow();
    await stream.waitFor((f) => f.event === 'snapshot');
    stream.pause();
    // Several megabytes of events while the consumer reads nothing: far past what the kernel's
    // socket buffers absorb and the 64 KiB backlog bound allows.
    await t.runtime.store.transaction(async (tx) => {
      await tx.lockJournal();
      const padding = 'x'.repeat(900);
      for (let i = 0; i < 8000; i++) {
        await tx.insertEvent(
          {
            type: 'user.updated',
            subjectType: 'user',
            subjectId: `flood-${i}`,
            subjectVersion: 1,
            data: { padding },
          },
          new Date(),
        );
      }
    });
    t.feed.wake();
    await t.feed.settle();
    stream.resume();
    await stream.ended;
    const resync = stream.frames.at(-1);
    expect(resync?.event).toBe('resync');
    expect(JSON.parse(resync?.data ?? '{}')).toEqual({ reason: 'slow_consumer' });
    expect(stream.frames.filter((f) => f.event === 'user.updated').length).toBeLessThan(8000);
  });
});

describeDialects(
  'event stream across instances',
  (dialect) => {
    let store: TestStore;
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      store = await openTestStore(dialect);
      // Instance B never polls: only LISTEN/NOTIFY can tell it about A's commits.
      const masterKey = randomBytes(32);
      a = await startTestApp(dialect, { store: store.store, masterKey });
      b = await startTestApp(dialect, {
        store: await store.reopen(),
        masterKey,
        events: { pollMs: 3_600_000 },
      });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await store?.cleanup();
    });

    it('delivers a change committed on instance A to a follower of instance B', async () => {
      const url = await b.app.listen({ port: 0, host: '127.0.0.1' });
      const stream = await openSse(`${url}/v1/events`, { authorization: `Bearer ${await b.adminToken()}` });
      await stream.waitFor((f) => f.event === 'snapshot');
      const created = await a.admin('POST', '/users', { userName: 'from-a' });
      const seen = await stream.waitFor(
        (f) => f.event === 'user.created' && JSON.parse(f.data).subjectId === created.json.id,
      );
      expect(JSON.parse(seen.data).data.userName).toBe('from-a');
      stream.close();
    });
  },
  ['postgres'],
);
