import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWith, type DataDir, json, tempDataDir } from './run.js';

describe('tessera CLI against a local store', () => {
  let d: DataDir;
  beforeAll(async () => {
    d = await tempDataDir();
  });
  afterAll(async () => d?.cleanup());

  describe('help and usage', () => {
    it('lists the command groups with --help', async () => {
      const { code, stdout } = await d.cli('--help');
      expect(code).toBe(0);
      for (const name of [
        'user',
        'group',
        'role',
        'grant',
        'revoke',
        'client',
        'app',
        'token',
        'keys',
        'audit',
        'serve',
        'migrate',
      ]) {
        expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      }
      expect(stdout).toContain('--json');
    });

    it("lists a group's commands and a command's options", async () => {
      const group = await d.cli('group', '--help');
      expect(group.code).toBe(0);
      for (const name of ['create', 'list', 'show', 'update', 'delete', 'add-member', 'remove-member']) {
        expect(group.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      }
      const command = await d.cli('help', 'role', 'create');
      expect(command.code).toBe(0);
      expect(command.stdout).toContain('--permission RES:ACTION');
    });

    it('answers an unknown command or option with exit 2 and the usage', async () => {
      const unknown = await d.cli('frobnicate');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/^error: unknown command "frobnicate"/);
      expect(unknown.stderr).toContain('Usage: tessera <command>');

      const flag = await d.cli('user', 'list', '--colour');
      expect(flag.code).toBe(2);
      expect(flag.stderr).toMatch(/^error: unknown option '--colour'/);
      expect(flag.stderr).toContain('Usage: tessera user list');

      const missing = await d.cli('user', 'show');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('missing <user>');

      const required = await d.cli('user', 'create');
      expect(required.code).toBe(2);
      expect(required.stderr).toMatch(
        /^error: --user-name is required\n\nUsage: tessera user create \[options\]/,
      );

      const none = await d.cli();
      expect(none.code).toBe(2);

      const url = await d.cli('user', 'list', '--url', 'ftp://example.com');
      expect(url.code).toBe(2);
      expect(url.stderr).toMatch(/^error: --url must be an http or https URL\n/);
    });
  });

  describe('users, groups, roles and grants', () => {
    let aliceId: string;

    it('creates a user and prints it, as a record or as JSON', async () => {
      const created = await d.cli(
        'user',
        'create',
        '--user-name',
        'alice',
        '--display-name',
        'Alice',
        '--email',
        'alice@example.com',
      );
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/^userName: +alice$/m);
      expect(created.stdout).toMatch(/^emails: +alice@example\.com$/m);

      const shown = json(await d.cli('user', 'show', 'alice', '--json'));
      expect(shown).toMatchObject({ userName: 'alice', displayName: 'Alice', active: true });
      expect(shown.emails).toEqual([{ value: 'alice@example.com', primary: true }]);
      aliceId = shown.id;

      const listed = json(await d.cli('--json', 'user', 'list'));
      expect(listed.items.map((u: { id: string }) => u.id)).toEqual([aliceId]);
      expect(listed.nextCursor).toBeNull();

      const table = await d.cli('user', 'list');
      expect(table.stdout.split('\n')[0]).toMatch(/^ID +USERNAME +DISPLAY NAME +EMAIL +ACTIVE$/);
      expect(table.stdout).toContain(aliceId);
    });

    it('refuses a duplicate userName with ERR_CONFLICT and exit 1', async () => {
      const dup = await d.cli('user', 'create', '--user-name', 'ALICE');
      expect(dup.code).toBe(1);
      expect(dup.stderr).toMatch(/^error: .+ \(ERR_CONFLICT\)\n$/);
      expect(dup.stdout).toBe('');
    });

    it('answers an unknown id with ERR_NOT_FOUND', async () => {
      const missing = await d.cli('user', 'show', '01900000-0000-7000-8000-000000000000');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/does not exist \(ERR_NOT_FOUND\)/);
      const byName = await d.cli('group', 'delete', 'nobody-knows');
      expect(byName.code).toBe(1);
      expect(byName.stderr).toContain('(ERR_NOT_FOUND)');
    });

    it('refuses a malformed permission with ERR_INVALID_PERMISSION', async () => {
      const bad = await d.cli('role', 'create', '--name', 'broken', '--permission', 'Billing Read');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/invalid permission "Billing Read".*\(ERR_INVALID_PERMISSION\)/);
      expect((await d.cli('role', 'show', 'broken')).code).toBe(1);
    });

    it("shows permissions a user gets through a group's role", async () => {
      const role = json(
        await d.cli(
          'role',
          'create',
          '--name',
          'billing-reader',
          '--permission',
          'billing:read',
          '--permissions',
          'billing:export,billing:read',
          '--json',
        ),
      );
      expect(role.permissions).toEqual(['billing:export', 'billing:read']);
      expect((await d.cli('group', 'create', '--display-name', 'Finance')).code).toBe(0);

      const added = await d.cli('group', 'add-member', 'Finance', 'alice');
      expect(added).toMatchObject({ code: 0, stdout: 'added 1 member\n' });
      const granted = await d.cli('grant', 'billing-reader', '--group', 'Finance');
      expect(granted.code).toBe(0);
      expect(granted.stdout).toMatch(/^granted role billing-reader to group Finance \(/);

      const access = json(await d.cli('user', 'access', aliceId, '--json'));
      expect(access).toMatchObject({
        userId: aliceId,
        roles: ['billing-reader'],
        directRoles: [],
        groups: ['Finance'],
        permissions: ['billing:export', 'billing:read'],
      });
      const text = await d.cli('user', 'access', 'alice');
      expect(text.stdout).toMatch(/^permissions: +billing:export, billing:read$/m);

      const shown = json(await d.cli('group', 'show', 'Finance', '--json'));
      expect(shown).toMatchObject({ displayName: 'Finance', roles: ['billing-reader'], members: [aliceId] });
    });

    it('grants and revokes directly, and says when nothing changed', async () => {
      json(await d.cli('role', 'create', '--name', 'auditor', '--permission', 'audit:read', '--json'));
      expect((await d.cli('grant', 'auditor', '--user', 'alice')).stdout).toMatch(
        /^granted role auditor to user alice/,
      );
      expect((await d.cli('grant', 'auditor', '--user', 'alice')).stdout).toContain(
        'already holds role auditor directly',
      );
      const access = json(await d.cli('user', 'access', 'alice', '--json'));
      expect(access.directRoles).toEqual(['auditor']);
      expect(access.permissions).toEqual(['audit:read', 'billing:export', 'billing:read']);

      const revoked = json(await d.cli('revoke', 'auditor', '--user', aliceId, '--json'));
      expect(revoked).toMatchObject({ operation: 'revoke', changed: true, role: 'auditor' });
      expect((await d.cli('grant', 'auditor', '--user', 'alice', '--group', 'Finance')).code).toBe(2);
    });

    it('edits a role and a user', async () => {
      const role = json(
        await d.cli('role', 'update', 'auditor', '--add-permission', 'audit:export', '--json'),
      );
      expect(role.permissions).toEqual(['audit:export', 'audit:read']);
      const user = json(
        await d.cli('user', 'update', 'alice', '--inactive', '--given-name', 'Alice', '--json'),
      );
      expect(user).toMatchObject({ active: false, name: { givenName: 'Alice' } });
      expect((await d.cli('user', 'update', 'alice')).code).toBe(2);
    });
  });

  describe('clients and tokens', () => {
    let admin: { clientId: string; clientSecret: string };

    it('creates an admin client and prints its secret once, on a fresh store and after', async () => {
      const first = await d.cli('client', 'create', '--admin', '--json');
      expect(json(first)).toMatchObject({ name: 'cli admin', clientSecret: expect.any(String) });
      const created = await d.cli('client', 'create', '--admin', '--name', 'recovery');
      expect(created.code).toBe(0);
      const id = /^client_id: +(\S+)$/m.exec(created.stdout)?.[1];
      const secret = /^client_secret: +(\S+)$/m.exec(created.stdout)?.[1];
      expect(id).toMatch(/^tsr_/);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(created.stderr).toContain('shown only this once');
      admin = { clientId: id as string, clientSecret: secret as string };

      const shown = await d.cli('client', 'show', admin.clientId, '--json');
      const client = json(shown);
      expect(client).toMatchObject({ clientId: admin.clientId, name: 'recovery', roles: ['tessera-admin'] });
      expect(shown.stdout).not.toContain(admin.clientSecret);
      expect(client).not.toHaveProperty('secretHash');
    });

    it('issues a token locally, decodes it UNVERIFIED and verifies it against the key ring', async () => {
      const issued = await d.cli(
        'token',
        'issue',
        '--client-id',
        admin.clientId,
        '--client-secret',
        admin.clientSecret,
      );
      expect(issued.code).toBe(0);
      const token = issued.stdout.trim();
      expect(token.split('.')).toHaveLength(3);
      expect(issued.stderr).toContain('for urn:tessera:admin');

      const decoded = await d.cli('token', 'decode', token);
      expect(decoded.code).toBe(0);
      expect(decoded.stdout.split('\n')[0]).toMatch(/^UNVERIFIED/);
      expect(decoded.stdout).toMatch(/^ {2}typ: +at\+jwt$/m);
      expect(decoded.stdout).toMatch(new RegExp(`^  client_id: +${admin.clientId}$`, 'm'));
      expect(decoded.stdout).toMatch(/^ {2}exp: +\d+ \(\d{4}-.+Z, in \d+m( \d+s)?\)$/m);
      const decodedJson = json(await d.cli('token', 'decode', token, '--json'));
      expect(decodedJson).toMatchObject({
        verified: false,
        claims: { aud: 'urn:tessera:admin', permissions: ['tessera:admin'] },
      });

      const verified = await d.cli('token', 'verify', token, '--audience', 'urn:tessera:admin');
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/^VALID: signature verified/);

      const [h, p] = token.split('.');
      const forged = await d.cli('token', 'verify', `${h}.${p}.${'A'.repeat(86)}`);
      expect(forged.code).toBe(1);
      expect(forged.stderr).toMatch(/token is NOT valid: .+ \(ERR_JWS_SIGNATURE_VERIFICATION_FAILED\)/);

      const piped = await cliWith(d.env, `${token}\n`)('token', 'decode', '-', '--json');
      expect(json(piped).claims.client_id).toBe(admin.clientId);

      const garbage = await d.cli('token', 'decode', 'not-a-jwt');
      expect(garbage.code).toBe(1);
      expect(garbage.stderr).toMatch(/^error: .+ \(ERR_JWT_INVALID\)/);
    });

    it('refuses a wrong client secret with ERR_INVALID_CLIENT', async () => {
      const wrong = await d.cli('token', 'issue', '--client-id', admin.clientId, '--client-secret', 'nope');
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('(ERR_INVALID_CLIENT)');
    });

    it('rotates a client secret: the new one works, the old one does not', async () => {
      const created = json(
        await d.cli(
          'client',
          'create',
          '--name',
          'billing-job',
          '--audience',
          'https://billing.example',
          '--json',
        ),
      );
      expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const rotated = json(await d.cli('client', 'rotate-secret', created.clientId, '--json'));
      expect(rotated.clientSecret).not.toBe(created.clientSecret);
      const old = await d.cli(
        'token',
        'issue',
        '--client-id',
        created.clientId,
        '--client-secret',
        created.clientSecret,
      );
      expect(old.code).toBe(1);
      const list = await d.cli('client', 'list');
      expect(list.stdout).toContain('billing-job');
      expect(list.stdout).not.toContain(rotated.clientSecret);
      expect((await d.cli('client', 'delete', created.clientId)).code).toBe(0);
    });

    it('lists and rotates signing keys', async () => {
      const before = json(await d.cli('keys', 'list', '--json'));
      expect(before.some((k: { state: string }) => k.state === 'active')).toBe(true);
      const rotated = json(await d.cli('keys', 'rotate', '--algorithm', 'EdDSA', '--json'));
      expect(rotated).toMatchObject({ alg: 'EdDSA', state: 'published' });
      const table = await d.cli('keys', 'list');
      expect(table.stdout).toMatch(new RegExp(`^${rotated.kid} +EdDSA +published `, 'm'));
      expect((await d.cli('keys', 'rotate', '--algorithm', 'HS256')).code).toBe(2);
    });
  });

  describe('applications', () => {
    it('creates, lists, shows and deletes an application', async () => {
      const app = json(
        await d.cli(
          'app',
          'create',
          '--name',
          'Billing',
          '--audience',
          'https://billing.example',
          '--namespace',
          'billing',
          '--json',
        ),
      );
      expect(app).toMatchObject({
        name: 'Billing',
        audience: 'https://billing.example',
        namespace: 'billing',
      });
      expect((await d.cli('app', 'list')).stdout).toMatch(/^Billing +https:\/\/billing\.example +billing /m);
      expect((await d.cli('app', 'delete', app.id)).stdout).toBe(`deleted application ${app.id}\n`);
      expect((await d.cli('app', 'show', app.id)).stderr).toContain('(ERR_NOT_FOUND)');
    });
  });

  describe('audit', () => {
    it('lists rows by the cli actor', async () => {
      const rows = json(await d.cli('audit', 'list', '--action', 'user.created', '--json'));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actorType: 'cli',
        action: 'user.created',
        summary: { userName: 'alice' },
      });
    });

    it('verifies the chain, then names the first row edited behind its back', async () => {
      const ok = await d.cli('audit', 'verify');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/^audit chain intact: \d+ rows; head seq \d+ hash [0-9a-f]{64}$/m);

      const db = new Database(join(d.dir, 'tessera.db'));
      try {
        const row = db
          .prepare("select seq from audit_log where action = 'role.created' order by seq limit 1")
          .get() as { seq: number };
        db.prepare('update audit_log set summary = ? where seq = ?').run(
          JSON.stringify({ name: 'innocent' }),
          row.seq,
        );
        const broken = await d.cli('audit', 'verify');
        expect(broken.code).toBe(1);
        expect(broken.stderr).toBe(
          `error: audit chain broken at row seq ${row.seq}: its content does not match its hash (the row was edited)\n`,
        );
        const asJson = await d.cli('audit', 'verify', '--json');
        expect(asJson.code).toBe(1);
        expect(JSON.parse(asJson.stdout)).toMatchObject({
          ok: false,
          failure: { seq: row.seq, reason: 'hash_mismatch' },
        });
      } finally {
        db.close();
      }
    });
  });

  it('migrates the configured store', async () => {
    const result = await d.cli('migrate');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`SQLite ${join(d.dir, 'tessera.db')}`);
  });
});
