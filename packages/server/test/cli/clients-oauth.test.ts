/** `tessera client create/update` with the OAuth settings, locally and through the admin API (--url). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { type Cli, cliWith, type DataDir, json, tempDataDir } from './run.js';

const EC_KEY = {
  kty: 'EC',
  crv: 'P-256',
  kid: 'k1',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

function settingsSuite(
  name: string,
  setup: () => Promise<{ cli: Cli; dir: string; done: () => Promise<void> }>,
) {
  describe(name, () => {
    let cli: Cli;
    let dir: string;
    let done: () => Promise<void>;
    beforeAll(async () => {
      ({ cli, dir, done } = await setup());
    }, 30_000);
    afterAll(async () => done?.());

    it('creates a web application client with redirect URIs and updates them', async () => {
      const created = json(
        await cli(
          'client',
          'create',
          '--name',
          'Web',
          '--grant-type',
          'authorization_code',
          '--grant-type',
          'refresh_token',
          '--redirect-uri',
          'https://web.example/cb',
          '--post-logout-redirect-uri',
          'https://web.example/bye',
          '--json',
        ),
      );
      expect(created).toMatchObject({
        type: 'confidential',
        tokenEndpointAuthMethod: 'client_secret_basic',
        redirectUris: ['https://web.example/cb'],
        postLogoutRedirectUris: ['https://web.example/bye'],
        firstParty: false,
      });
      expect(typeof created.clientSecret).toBe('string');
      const updated = json(
        await cli(
          'client',
          'update',
          created.clientId,
          '--redirect-uri',
          'https://web.example/a',
          '--redirect-uri',
          'https://web.example/b',
          '--first-party',
          '--json',
        ),
      );
      expect(updated).toMatchObject({
        redirectUris: ['https://web.example/a', 'https://web.example/b'],
        firstParty: true,
      });
      const shown = await cli('client', 'show', created.clientId);
      expect(shown.stdout).toMatch(/redirectUris:\s+https:\/\/web\.example\/a/);
      const cleared = json(
        await cli(
          'client',
          'update',
          created.clientId,
          '--post-logout-redirect-uri',
          '',
          '--third-party',
          '--json',
        ),
      );
      expect(cleared).toMatchObject({ postLogoutRedirectUris: [], firstParty: false });
    });

    it('creates a public first-party client: no secret printed', async () => {
      const res = await cli(
        'client',
        'create',
        '--name',
        'CLI app',
        '--type',
        'public',
        '--first-party',
        '--grant-type',
        'authorization_code',
        '--redirect-uri',
        'http://127.0.0.1:8765/callback',
      );
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/type:\s+public/);
      expect(res.stdout).toMatch(/authMethod:\s+none/);
      expect(res.stdout).not.toContain('client_secret');
    });

    it('registers private_key_jwt keys from a file', async () => {
      const file = join(dir, 'keys.json');
      await writeFile(file, JSON.stringify({ keys: [EC_KEY] }));
      const created = json(
        await cli(
          'client',
          'create',
          '--name',
          'Keys',
          '--auth-method',
          'private_key_jwt',
          '--jwks-file',
          file,
          '--json',
        ),
      );
      expect(created).toMatchObject({
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [EC_KEY] },
        clientSecret: null,
      });
      const single = join(dir, 'one-key.json');
      await writeFile(single, JSON.stringify({ ...EC_KEY, kid: 'k2' }));
      const replaced = json(await cli('client', 'update', created.clientId, '--jwks-file', single, '--json'));
      expect(replaced.jwks.keys.map((k: { kid: string }) => k.kid)).toEqual(['k2']);
    });

    it('refuses bad settings: usage errors exit 2, rule violations exit 1 naming the field', async () => {
      const badType = await cli('client', 'create', '--name', 'x', '--type', 'spa');
      expect(badType.code).toBe(2);
      expect(badType.stderr).toContain('--type must be one of');
      const missing = await cli('client', 'create', '--name', 'x', '--jwks-file', join(dir, 'nope.json'));
      expect(missing.code).toBe(2);
      const rule = await cli(
        'client',
        'create',
        '--name',
        'x',
        '--type',
        'public',
        '--auth-method',
        'client_secret_basic',
      );
      expect(rule.code).toBe(1);
      expect(rule.stderr).toContain('tokenEndpointAuthMethod');
      const http = await cli('client', 'create', '--name', 'x', '--redirect-uri', 'http://web.example/cb');
      expect(http.code).toBe(1);
      expect(http.stderr).toContain('loopback');
      const admin = await cli('client', 'create', '--admin', '--redirect-uri', 'https://a.example/cb');
      expect(admin.code).toBe(2);
    });
  });
}

settingsSuite('tessera client: OAuth settings against a local store', async () => {
  const d: DataDir = await tempDataDir();
  return { cli: d.cli, dir: d.dir, done: d.cleanup };
});

settingsSuite('tessera client: OAuth settings through the admin API (--url)', async () => {
  const t: TestApp = await startTestApp('sqlite');
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const d = await tempDataDir();
  const cli = cliWith({
    TESSERA_URL: url,
    TESSERA_TOKEN: await t.adminToken(),
    TESSERA_DATA_DIR: join(d.dir, 'unused'),
  });
  return {
    cli,
    dir: d.dir,
    done: async () => {
      await t.close();
      await d.cleanup();
    },
  };
});
