import { afterEach, describe, expect, it } from 'vitest';
import { cliWith, json, tempDataDir } from '../cli/run.js';
import { linkIn, startInbox } from './smtp.js';
import { pathOf, startAccountsApp } from './support.js';

const PASSWORD = 'correct horse battery staple';

describe('tessera user invite / reset-password', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('local store without SMTP: prints the link; an unknown user is an error', async () => {
    const d = await tempDataDir();
    cleanups.push(d.cleanup);
    expect((await d.cli('user', 'create', '--user-name', 'ada')).code).toBe(0);
    const first = json(await d.cli('user', 'invite', 'ada', '--json'));
    expect(first).toMatchObject({ delivery: 'link', purpose: 'activate' });
    expect(first.link).toMatch(/^http:\/\/tessera\.test\/activate\?code=[A-Za-z0-9_-]{43}$/);
    const plain = await d.cli('user', 'reset-password', 'ada');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^link: +http:\/\/tessera\.test\/reset\?code=/m);
    const missing = await d.cli('user', 'invite', 'nobody');
    expect(missing.code).not.toBe(0);
  });

  it('local store with SMTP: mails the link and prints only where it went', async () => {
    const inbox = await startInbox();
    cleanups.push(inbox.close);
    const d = await tempDataDir();
    cleanups.push(d.cleanup);
    const cli = cliWith({ ...d.env, TESSERA_SMTP_URL: inbox.url, TESSERA_MAIL_FROM: 'id@tessera.test' });
    expect((await cli('user', 'create', '--user-name', 'ada', '--email', 'ada@example.com')).code).toBe(0);
    const result = await cli('user', 'invite', 'ada');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^mailed to: +ada@example\.com$/m);
    expect(result.stdout).not.toContain('code=');
    expect(linkIn((await inbox.next(1)).raw)).toMatch(/\/activate\?code=/);
  });

  it('remote (--url): the printed link activates the account on the server', async () => {
    const a = await startAccountsApp('sqlite');
    cleanups.push(a.close);
    await a.createUser('ada');
    const cli = cliWith({ TESSERA_URL: a.base, TESSERA_TOKEN: await a.t.adminToken() });
    const invite = json(await cli('user', 'invite', 'ada', '--json'));
    expect(invite.delivery).toBe('link');
    const browser = a.browser();
    expect(
      (await browser.submit(pathOf(invite.link), { password: PASSWORD, confirm: PASSWORD })).status,
    ).toBe(303);
    const reset = json(await cli('user', 'reset-password', 'ada', '--json'));
    expect(reset.link).toMatch(/\/reset\?code=/);
  });
});
