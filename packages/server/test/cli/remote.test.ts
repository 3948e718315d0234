import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { type Cli, cliWith, json } from './run.js';

/** Waits until `read()` matches `pattern`. */
async function waitFor(read: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('tessera CLI against a running server (tessera serve, then --url)', () => {
  let dir: string;
  let stop: AbortController;
  let served: Promise<number>;
  let serveOut = '';
  let serveErr = '';
  let url: string;
  let admin: { clientId: string; clientSecret: string };
  /** The CLI with --url and an admin token in the environment, and a data dir it must never open. */
  let cli: Cli;
  let unusedDataDir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-cli-remote-'));
    stop = new AbortController();
    served = main(['serve'], {
      stdout: (text) => {
        serveOut += text;
      },
      stderr: (text) => {
        serveErr += text;
      },
      env: {
        TESSERA_DATA_DIR: join(dir, 'server'),
        TESSERA_HOST: '127.0.0.1',
        TESSERA_PORT: '0',
        TESSERA_ISSUER: 'http://tessera.test',
        TESSERA_LOG_LEVEL: 'silent',
        // In-process serve from source: worker processes run the compiled CLI (test/cluster covers them).
        TESSERA_WORKERS: '1',
      },
      signal: stop.signal,
    });
    served.then((code) => {
      if (code !== 0) serveErr += `\n(serve exited ${code})`;
    });
    const read = () => `${serveOut}${serveErr}`;
    url = (await waitFor(read, /listening on (http:\/\/\S+)/))[1] as string;
    admin = {
      clientId: (await waitFor(read, /client_id:\s+(\S+)/))[1] as string,
      clientSecret: (await waitFor(read, /client_secret:\s+(\S+)/))[1] as string,
    };
    unusedDataDir = join(dir, 'must-not-exist');
    const issued = await cliWith({ TESSERA_URL: url, TESSERA_DATA_DIR: unusedDataDir })(
      'token',
      'issue',
      '--client-id',
      admin.clientId,
      '--client-secret',
      admin.clientSecret,
    );
    expect(issued.stderr).toContain('for urn:tessera:admin');
    cli = cliWith({ TESSERA_URL: url, TESSERA_TOKEN: issued.stdout.trim(), TESSERA_DATA_DIR: unusedDataDir });
  });

  afterAll(async () => {
    stop?.abort();
    if (served) expect(await served).toBe(0);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('provisions through the admin API: user, role, group, grant, access', async () => {
    const user = json(
      await cli('user', 'create', '--user-name', 'grace', '--email', 'grace@example.com', '--json'),
    );
    expect(user).toMatchObject({ userName: 'grace', active: true });
    expect(typeof user.createdAt).toBe('string');

    json(
      await cli(
        'role',
        'create',
        '--name',
        'ledger-writer',
        '--permissions',
        'ledger:read,ledger:write',
        '--json',
      ),
    );
    json(await cli('group', 'create', '--display-name', 'Accounting', '--json'));
    expect((await cli('group', 'add-member', 'Accounting', 'grace')).stdout).toBe('added 1 member\n');
    expect((await cli('grant', 'ledger-writer', '--group', 'Accounting')).code).toBe(0);

    const access = json(await cli('user', 'access', 'grace', '--json'));
    expect(access).toMatchObject({
      roles: ['ledger-writer'],
      groups: ['Accounting'],
      permissions: ['ledger:read', 'ledger:write'],
    });
    const table = await cli('user', 'list');
    expect(table.stdout).toMatch(/^ID +USERNAME/);
    expect(table.stdout).toContain('grace@example.com');
  });

  it("maps the API's problem details back to the same error codes as local mode", async () => {
    const dup = await cli('user', 'create', '--user-name', 'GRACE');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^error: .+ \(ERR_CONFLICT\)\n$/);

    const missing = await cli('user', 'show', '01900000-0000-7000-8000-000000000000');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist \(ERR_NOT_FOUND\)/);

    const bad = await cli('role', 'create', '--name', 'broken', '--permission', 'Nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('(ERR_INVALID_PERMISSION)');
  });

  it('creates clients, grants them roles by client_id, and issues their tokens from the server', async () => {
    const app = json(
      await cli(
        'app',
        'create',
        '--name',
        'Ledger',
        '--audience',
        'https://ledger.example',
        '--namespace',
        'ledger',
        '--json',
      ),
    );
    expect(app).toMatchObject({ audience: 'https://ledger.example', namespace: 'ledger' });
    const created = json(
      await cli(
        'client',
        'create',
        '--name',
        'ledger-sync',
        '--audience',
        'https://ledger.example',
        '--json',
      ),
    );
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await cli('grant', 'ledger-writer', '--client', created.clientId)).stdout).toMatch(
      /^granted role ledger-writer to client/,
    );
    const shown = json(await cli('client', 'show', created.clientId, '--json'));
    expect(shown.roles).toEqual(['ledger-writer']);

    const anonymous = cliWith({ TESSERA_URL: url, TESSERA_DATA_DIR: unusedDataDir });
    const wrong = await anonymous(
      'token',
      'issue',
      '--client-id',
      created.clientId,
      '--client-secret',
      'wrong',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: invalid_client: .+ \(ERR_INVALID_CLIENT\)\n$/);

    const issued = json(
      await anonymous(
        'token',
        'issue',
        '--client-id',
        created.clientId,
        '--client-secret',
        created.clientSecret,
        '--json',
      ),
    );
    expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    const verified = await anonymous(
      'token',
      'verify',
      issued.access_token,
      '--audience',
      'https://ledger.example',
      '--json',
    );
    expect(json(verified)).toMatchObject({
      valid: true,
      claims: {
        client_id: created.clientId,
        aud: 'https://ledger.example',
        roles: ['ledger-writer'],
        permissions: ['ledger:read', 'ledger:write'],
      },
    });
  });

  it('lists keys and audit rows, and verifies the chain, through the server', async () => {
    const keys = json(await cli('keys', 'list', '--json'));
    expect(keys.filter((k: { state: string }) => k.state === 'active')).toHaveLength(1);
    const rows = json(await cli('audit', 'list', '--action', 'user.created', '--json'));
    expect(rows[0]).toMatchObject({
      actorType: 'client',
      actorId: admin.clientId,
      summary: { userName: 'grace' },
    });
    expect((await cli('audit', 'verify')).stdout).toMatch(/^audit chain intact: /);
  });

  it('needs an admin token, and says how to get one', async () => {
    const none = await cliWith({ TESSERA_URL: url })('user', 'list');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('pass --token or set TESSERA_TOKEN');
    const forged = await cli('user', 'list', '--token', 'abc.def.ghi');
    expect(forged.code).toBe(1);
    expect(forged.stderr).toContain('(ERR_UNAUTHENTICATED)');
  });

  it('never opened a local store', () => {
    expect(existsSync(unusedDataDir)).toBe(false);
  });
});
