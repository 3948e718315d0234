import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataDir, json, tempDataDir } from './run.js';

describe('tessera CLI revocation commands (local store)', () => {
  let d: DataDir;
  beforeAll(async () => {
    d = await tempDataDir();
  });
  afterAll(async () => d?.cleanup());

  const events = (type: string) => {
    const db = new Database(join(d.dir, 'tessera.db'), { readonly: true });
    try {
      return db.prepare('select subject_id, data from events where type = ?').all(type) as {
        subject_id: string;
        data: string;
      }[];
    } finally {
      db.close();
    }
  };

  it("user revoke-tokens records the revocation of the user's tokens", async () => {
    const user = json(await d.cli('--json', 'user', 'create', '--user-name', 'mallory'));
    const result = json(await d.cli('--json', 'user', 'revoke-tokens', 'mallory'));
    expect(result.userId).toBe(user.id);
    expect(events('user.tokens_revoked').map((e) => e.subject_id)).toEqual([user.id]);
    const future = await d.cli('user', 'revoke-tokens', 'mallory', '--before', '2999-01-01T00:00:00Z');
    expect(future.code).toBe(1);
    expect(future.stderr).toContain('ERR_VALIDATION');
    const bad = await d.cli('user', 'revoke-tokens', 'mallory', '--before', 'yesterday');
    expect(bad.code).toBe(2);
  });

  it('token revoke records one jti', async () => {
    const result = json(await d.cli('--json', 'token', 'revoke', '--jti', 'j123'));
    expect(result.jti).toBe('j123');
    expect(events('token.revoked').map((e) => JSON.parse(e.data).jti)).toEqual(['j123']);
    expect((await d.cli('token', 'revoke')).code).toBe(2);
  });

  it('keys revoke withdraws a key and names an unknown one', async () => {
    // Issuing a token runs the key schedule, which creates the first key.
    const admin = json(await d.cli('--json', 'client', 'create', '--admin', '--name', 'a'));
    const issued = await d.cli(
      'token',
      'issue',
      '--client-id',
      admin.clientId,
      '--client-secret',
      admin.clientSecret,
    );
    expect(issued.code).toBe(0);
    const [key] = json(await d.cli('--json', 'keys', 'list'));
    expect((await d.cli('keys', 'revoke', key.kid)).code).toBe(0);
    const after = json(await d.cli('--json', 'keys', 'list'));
    expect(after.find((k: { kid: string }) => k.kid === key.kid)?.state).toBe('revoked');
    expect(events('key.revoked').map((e) => e.subject_id)).toEqual([key.kid]);
    const unknown = await d.cli('keys', 'revoke', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ERR_NOT_FOUND');
  });
});

describe('tessera token issue --user (local store)', () => {
  let d: DataDir;
  beforeAll(async () => {
    d = await tempDataDir();
  });
  afterAll(async () => d?.cleanup());

  it('mints a user token for an application audience, carrying the user’s rights there', async () => {
    json(
      await d.cli(
        '--json',
        'app',
        'create',
        '--name',
        'docs',
        '--audience',
        'https://docs.example',
        '--namespace',
        'docs',
      ),
    );
    json(await d.cli('--json', 'role', 'create', '--name', 'reader', '--permission', 'docs:read'));
    const user = json(await d.cli('--json', 'user', 'create', '--user-name', 'ann'));
    json(await d.cli('--json', 'grant', 'reader', '--user', 'ann'));
    const issued = await d.cli('token', 'issue', '--user', 'ann', '--resource', 'https://docs.example');
    expect(issued.code).toBe(0);
    const claims = JSON.parse(Buffer.from(issued.stdout.trim().split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({
      sub: user.id,
      aud: 'https://docs.example',
      roles: ['reader'],
      permissions: ['docs:read'],
    });
    expect(claims.client_id).toBe('tessera-cli');
    expect((await d.cli('token', 'issue', '--user', 'ann')).code).toBe(2);
  });
});
