/**
 * `tessera serve` with several worker processes behaves as one server: bootstrap credentials
 * print once, a change made through one worker is enforced by every worker at once (events are
 * relayed, not left to the token cache's 1 s poll), a dead worker is replaced, and SIGTERM stops
 * them all.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, clientToken, type ServerProcess, startServerProcess } from '../support/process.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cluster-'));

/** Worker pids of a primary (its direct children). */
const workers = (pid: number): number[] =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => n > 0);

/** One token request on a fresh connection, so the primary hands each to the next worker. */
function tokenOnNewConnection(url: string, basic: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const agent = new Agent({ keepAlive: false });
    const req = request(
      `${url}/oauth2/token`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end('grant_type=client_credentials');
  });
}

describe.skipIf(!built())('serve with worker processes', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ TESSERA_DATA_DIR: dir, TESSERA_WORKERS: '2' });
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the bootstrap credentials once and runs two workers', () => {
    expect(server.credentials).toBeDefined();
    expect(server.output().match(/client_secret:/g)).toHaveLength(1);
    expect(server.output()).toContain('2 workers');
    expect(workers(server.child.pid ?? 0)).toHaveLength(2);
  });

  it('enforces a client disabled through one worker on every worker at once', async () => {
    if (!server.credentials) throw new Error('no credentials');
    const admin = await clientToken(server.url, server.credentials.clientId, server.credentials.clientSecret);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}/admin/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${admin}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return (await res.json()) as Record<string, string>;
    };
    const created = await call('POST', '/clients', { name: 'spread', defaultAudience: 'urn:tessera:admin' });
    const basic = Buffer.from(`${created.clientId}:${created.clientSecret}`).toString('base64');
    // Warm every worker's cache with the enabled client.
    for (let i = 0; i < 6; i++) expect((await tokenOnNewConnection(server.url, basic)).status).toBe(200);

    await call('PATCH', `/clients/${created.id}`, { enabled: false });
    // Well inside the token cache's 1 s poll: only the relay can have told the other worker.
    const after = await Promise.all(Array.from({ length: 6 }, () => tokenOnNewConnection(server.url, basic)));
    expect(after.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
  });

  it('replaces a worker that dies, and keeps serving', async () => {
    const before = workers(server.child.pid ?? 0);
    process.kill(before[0] ?? 0, 'SIGKILL');
    let now: number[] = [];
    for (let i = 0; i < 100; i++) {
      now = workers(server.child.pid ?? 0);
      if (now.length === 2 && !now.includes(before[0] ?? 0)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(now).toHaveLength(2);
    expect(now).not.toContain(before[0]);
    if (!server.credentials) throw new Error('no credentials');
    // Fresh connections: a kept-alive one may have belonged to the killed worker (regression:
    // a flaky "other side closed" in CI came from reusing it).
    const basic = Buffer.from(`${server.credentials.clientId}:${server.credentials.clientSecret}`).toString(
      'base64',
    );
    for (let i = 0; i < 4; i++) expect((await tokenOnNewConnection(server.url, basic)).status).toBe(200);
  });

  it('stops every worker on SIGTERM', async () => {
    const pids = workers(server.child.pid ?? 0);
    expect(await server.stop('SIGTERM')).toBe(0);
    // Regression: a worker still booting missed the shutdown message and had to be killed.
    expect(server.output()).not.toContain('did not stop');
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
