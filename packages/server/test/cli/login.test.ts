/**
 * `tessera login`, `whoami`, `token` and `logout`: the built CLI run as a child process, as a
 * person runs it from a terminal, with HOME and XDG_CONFIG_HOME in a temp directory, against a
 * listening server; the person approves the code through the real /login and /device pages.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DeviceServer, DOCS, decideInBrowser, startDeviceServer } from '../device/support.js';
import { built, CLI, cleanEnv, type Run, type Started, spawnProcess, waitFor } from '../support/process.js';

if (!built()) console.warn(`SKIPPED: tessera login tests — ${CLI} is missing; run \`npm run build\` first`);

/** The environment of a person's shell: their own HOME and config directory, no TESSERA_* settings. */
const shellEnv = (home: string): NodeJS.ProcessEnv =>
  cleanEnv({ HOME: home, XDG_CONFIG_HOME: join(home, 'xdg') });

const start = (home: string, args: string[]): Started =>
  spawnProcess(process.execPath, [CLI, ...args], shellEnv(home));

const tessera = (home: string, ...args: string[]): Promise<Run> => start(home, args).done;

/** `tessera login` in a terminal, approved in a browser by `userName`. */
async function login(
  t: DeviceServer,
  home: string,
  userName: string,
  flag: '--audience' | '--resource' = '--audience',
): Promise<Run> {
  const running = start(home, ['login', '--url', t.url, flag, DOCS]);
  const link = await waitFor(running.stdout, /\(or open (\S+)\)/);
  const code = await waitFor(running.stdout, /enter the code ([A-Z]{4}-[A-Z]{4})/);
  expect(link[1]).toBe(`${t.url}/device?user_code=${code[1]}`);
  await decideInBrowser(t.url, link[1] ?? '', userName, 'approve');
  return running.done;
}

interface StoredFile {
  current?: string;
  servers: Record<
    string,
    { accessToken: string; refreshToken?: string; expiresAt: number; clientId: string }
  >;
}

describe.skipIf(!built())('tessera login, whoami, token, logout (built CLI, child process)', () => {
  let t: DeviceServer;
  let home: string;
  let user: { id: string; userName: string };
  const credentials = () => join(home, 'xdg', 'tessera', 'credentials.json');
  const stored = async (): Promise<StoredFile> => JSON.parse(await readFile(credentials(), 'utf8'));

  beforeAll(async () => {
    t = await startDeviceServer('sqlite', { TESSERA_REFRESH_TOKEN_REUSE_GRACE: '0' });
    user = await t.user();
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'tessera-home-'));
    return () => rm(home, { recursive: true, force: true });
  });

  it('signs in through the device flow and stores the tokens in a 0600 file in a 0700 directory', async () => {
    const run = await login(t, home, user.userName);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^To sign in, open http:\/\/127\.0\.0\.1:\d+\/device$/m);
    expect(run.stdout).toContain(`Signed in to ${t.url} as ${user.userName} (token for ${DOCS}).`);
    expect((await stat(credentials())).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, 'xdg', 'tessera'))).mode & 0o777).toBe(0o700);
    const file = await stored();
    expect(file.current).toBe(t.url);
    expect(file.servers[t.url]?.clientId).toBe('tessera-cli');
    expect(file.servers[t.url]?.refreshToken).toMatch(/^tsr_/);

    // `tessera token` prints the token and nothing else.
    const token = await tessera(home, 'token');
    expect(token.code).toBe(0);
    expect(token.stderr).toBe('');
    expect(token.stdout).toBe(`${file.servers[t.url]?.accessToken}\n`);
    expect(decodeJwt(token.stdout.trim())).toMatchObject({
      sub: user.id,
      aud: DOCS,
      client_id: 'tessera-cli',
    });

    const who = await tessera(home, 'whoami');
    expect(who.code, who.stderr).toBe(0);
    expect(who.stdout).toMatch(new RegExp(`^user: +${user.userName}$`, 'm'));
    expect(who.stdout).toMatch(/^roles: +docs-reader$/m);
    expect(who.stdout).toMatch(/^source: +.*\/oauth2\/userinfo \(checked by the server\)$/m);
  });

  it('refreshes silently when the token expires within 60 s, and keeps the rotated refresh token', async () => {
    expect((await login(t, home, user.userName, '--resource')).code).toBe(0);
    expect(decodeJwt((await stored()).servers[t.url]?.accessToken ?? '').aud).toBe(DOCS);
    const before = await stored();
    const entry = before.servers[t.url];
    if (!entry) throw new Error('no entry');
    entry.expiresAt = Date.now() + 30_000; // inside the 60 s margin
    await writeFile(credentials(), JSON.stringify(before), { mode: 0o600 });

    const token = await tessera(home, 'token');
    expect(token.code, token.stderr).toBe(0);
    const after = (await stored()).servers[t.url];
    expect(token.stdout).toBe(`${after?.accessToken}\n`);
    expect(after?.accessToken).not.toBe(entry.accessToken);
    expect(after?.refreshToken).toMatch(/^tsr_/);
    expect(after?.refreshToken).not.toBe(entry.refreshToken);
    expect(after?.expiresAt).toBeGreaterThan(Date.now() + 60_000);
    expect((await stat(credentials())).mode & 0o777).toBe(0o600);
    // A valid token is used as it is: no refresh, same token.
    expect((await tessera(home, 'token')).stdout).toBe(`${after?.accessToken}\n`);
  });

  it('tessera token runs started together all print the same fresh token and keep the family alive', async () => {
    // No reuse grace on this server: a run that refreshed with an already rotated token would
    // revoke the family. (That the lock serializes refreshes is shown in credentials.test.ts.)
    expect((await login(t, home, user.userName)).code).toBe(0);
    const before = await stored();
    const entry = before.servers[t.url];
    if (!entry) throw new Error('no entry');
    entry.expiresAt = Date.now();
    await writeFile(credentials(), JSON.stringify(before), { mode: 0o600 });
    const runs = await Promise.all([tessera(home, 'token'), tessera(home, 'token'), tessera(home, 'token')]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const after = (await stored()).servers[t.url];
    expect(new Set(runs.map((run) => run.stdout))).toEqual(new Set([`${after?.accessToken}\n`]));
    // The family is alive: the stored refresh token still refreshes.
    const res = await fetch(`${t.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: after?.refreshToken ?? '',
        client_id: 'tessera-cli',
      }),
    });
    expect(res.status).toBe(200);
  });

  it('logout revokes the refresh token at the server, then forgets it', async () => {
    expect((await login(t, home, user.userName)).code).toBe(0);
    const refreshToken = (await stored()).servers[t.url]?.refreshToken ?? '';
    const out = await tessera(home, 'logout');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('the refresh token is revoked');
    expect((await stored()).servers[t.url]).toBeUndefined();
    const res = await fetch(`${t.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: 'tessera-cli',
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
    const token = await tessera(home, 'token');
    expect(token.code).toBe(1);
    expect(token.stdout).toBe('');
    expect(token.stderr).toMatch(/^error: not signed in: run tessera login --url URL$/m);
  });

  it('logout still forgets the tokens when the server is unreachable, and says so', async () => {
    const dead = 'http://127.0.0.1:9';
    const file = {
      version: 1,
      current: dead,
      servers: {
        [dead]: {
          server: dead,
          clientId: 'tessera-cli',
          accessToken: 'x',
          expiresAt: Date.now() + 600_000,
          refreshToken: 'tsr_unreachable',
          endpoints: { token: `${dead}/oauth2/token`, revocation: `${dead}/oauth2/revoke` },
          savedAt: Date.now(),
        },
      },
    };
    await tessera(home, 'logout').catch(() => undefined); // creates nothing: not signed in
    const dir = join(home, 'xdg', 'tessera');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true, mode: 0o700 }));
    await writeFile(credentials(), JSON.stringify(file), { mode: 0o600 });
    const out = await tessera(home, 'logout');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /warning: the refresh token was NOT revoked at http:\/\/127\.0\.0\.1:9: cannot reach/,
    );
    expect(out.stdout).toContain('Signed out of http://127.0.0.1:9 on this machine only.');
    expect((await stored()).servers[dead]).toBeUndefined();
  });

  it('tessera token without a sign-in fails on stderr with exit 1 and prints nothing on stdout', async () => {
    const token = await tessera(home, 'token', '--url', t.url);
    expect(token.code).toBe(1);
    expect(token.stdout).toBe('');
    expect(token.stderr).toBe(`error: not signed in to ${t.url}: run tessera login --url ${t.url}\n`);
  });

  it('tessera token with --client-id and a secret still gets a client_credentials token', async () => {
    const admin = await t.admin<{ clientId: string; clientSecret: string }>('POST', '/clients', {
      name: 'script',
      defaultAudience: DOCS,
    });
    const token = await tessera(
      home,
      'token',
      '--url',
      t.url,
      '--client-id',
      admin.clientId,
      '--client-secret',
      admin.clientSecret,
    );
    expect(token.code, token.stderr).toBe(0);
    expect(decodeJwt(token.stdout.split('\n')[0] ?? '')).toMatchObject({ sub: admin.clientId, aud: DOCS });
  });

  it('login names the problem when the client has no default audience and none is given', async () => {
    const run = await tessera(home, 'login', '--url', t.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid_target');
    expect(run.stderr).toContain('no default audience');
  });
});
