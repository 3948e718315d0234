import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { CredentialStore, credentialsDir, serverKey } from './credentials.js';

describe('credentials file', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'tessera-cred-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('lives under XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
    expect(credentialsDir({ HOME: '/home/ada', XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/tessera');
    expect(credentialsDir({ HOME: '/home/ada', XDG_CONFIG_HOME: 'relative' })).toBe(
      '/home/ada/.config/tessera',
    );
    expect(credentialsDir({ HOME: '/home/ada' })).toBe('/home/ada/.config/tessera');
    expect(() => credentialsDir({})).toThrow(CliError);
  });

  it('keys servers by origin and path without a trailing slash', () => {
    expect(serverKey('https://ID.example.com/')).toBe('https://id.example.com');
    expect(serverKey('https://id.example.com/tenant/')).toBe('https://id.example.com/tenant');
  });

  it('serializes read-modify-write: a concurrent update sees the one before it (the lock)', async () => {
    const store = new CredentialStore({ HOME: home });
    const seen: string[] = [];
    const update = (name: string, delayMs: number) =>
      store.update(async (file) => {
        seen.push(`${name} saw ${file.current ?? 'nothing'}`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return { file: { ...file, current: name }, result: undefined };
      });
    // The first holds the lock for a while; without it the second would also see "nothing".
    await Promise.all([
      update('first', 300),
      new Promise((r) => setTimeout(r, 50)).then(() => update('second', 0)),
    ]);
    expect(seen).toEqual(['first saw nothing', 'second saw first']);
    expect((await store.read()).current).toBe('second');
    // No lock file or temporary file is left behind.
    expect(await readdir(store.dir)).toEqual(['credentials.json']);
  });

  it('writes the file 0600 in a 0700 directory, and tightens a directory that was looser', async () => {
    const store = new CredentialStore({ HOME: home });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(store.dir, { recursive: true, mode: 0o755 });
    await store.update(async (file) => ({ file: { ...file, current: 'x' }, result: undefined }));
    expect((await stat(store.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual({ version: 1, current: 'x', servers: {} });
  });

  it('takes over a lock left by a crashed run once it is stale, and refuses a damaged file', async () => {
    const store = new CredentialStore({ HOME: home });
    await store.update(async (file) => ({ file, result: undefined }));
    const lock = `${store.path}.lock`;
    await writeFile(lock, '99999');
    const { utimes } = await import('node:fs/promises');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await store.update(async (file) => ({ file: { ...file, current: 'after crash' }, result: undefined }));
    expect((await store.read()).current).toBe('after crash');
    await writeFile(store.path, '{"version": 1, "servers": ');
    await expect(store.read()).rejects.toThrow(/is damaged/);
  });
});
