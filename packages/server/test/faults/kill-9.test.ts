/**
 * Killing the server at any moment leaves the store consistent and a restart recovers by itself:
 * SIGKILL a real server process while admin writes are in flight, restart it on the same data,
 * and check that every change committed whole (user ⇔ its audit row ⇔ its event) and that the
 * audit chain verifies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { built, clientToken, startServerProcess } from '../support/process.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built())('crash consistency (SIGKILL during writes)', () => {
  it('recovers after three kills with every change whole and the audit chain intact', async () => {
    const env = { TESSERA_DATA_DIR: dir };
    let credentials: { clientId: string; clientSecret: string } | undefined;
    for (let round = 0; round < 3; round++) {
      const server = await startServerProcess(env);
      credentials ??= server.credentials;
      if (!credentials) throw new Error('no bootstrap credentials on first start');
      if (round > 0) expect(server.credentials).toBeUndefined();
      const token = await clientToken(server.url, credentials.clientId, credentials.clientSecret);
      const call = (path: string, method: string, body?: unknown) =>
        fetch(`${server.url}/admin/v1${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }).catch(() => undefined);
      const role = `r${round}`;
      await call('/roles', 'POST', { name: role, permissions: ['app:read'] });
      // Writers in flight: create users and grant them the role, as fast as the server goes.
      let stop = false;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          const res = await call('/users', 'POST', { userName: `u-${round}-${w}-${i}` });
          if (res?.status !== 201) continue;
          const { id } = (await res.json()) as { id: string };
          await call(`/users/${id}/roles/${role}`, 'PUT');
        }
      });
      await new Promise((r) => setTimeout(r, 300 + round * 250));
      expect(await server.stop('SIGKILL')).toBe(null);
      stop = true;
      await Promise.all(writers);
    }

    // Restart once more: it must come up on its own, and the store must be whole.
    if (!credentials) throw new Error('no credentials');
    const server = await startServerProcess(env);
    const token = await clientToken(server.url, credentials.clientId, credentials.clientSecret);
    const verify = await fetch(`${server.url}/admin/v1/audit/verify`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await verify.json()).toMatchObject({ ok: true });
    await server.stop();

    const db = new Database(join(dir, 'tessera.db'), { readonly: true });
    try {
      const users = (db.prepare('select count(*) as n from users').get() as { n: number }).n;
      const created = (
        db.prepare("select count(*) as n from audit_log where action = 'user.created'").get() as { n: number }
      ).n;
      const events = (
        db.prepare("select count(*) as n from events where type = 'user.created'").get() as { n: number }
      ).n;
      expect(users).toBeGreaterThan(0);
      expect(created).toBe(users);
      expect(events).toBe(users);
      const grants = (db.prepare('select count(*) as n from user_roles').get() as { n: number }).n;
      const granted = (
        db.prepare("select count(*) as n from audit_log where action = 'role.granted'").get() as { n: number }
      ).n;
      expect(granted).toBe(grants);
      expect(
        (db.prepare('pragma integrity_check').get() as { integrity_check: string }).integrity_check,
      ).toBe('ok');
    } finally {
      db.close();
    }
  }, 120_000);
});
