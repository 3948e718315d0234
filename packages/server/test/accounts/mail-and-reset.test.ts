import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { type Inbox, linkIn, startInbox } from './smtp.js';
import { type AccountsApp, pathOf, startAccountsApp } from './support.js';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase';

describeDialects('invitations and resets by mail (a real SMTP server)', (dialect) => {
  let a: AccountsApp;
  let inbox: Inbox;
  beforeEach(async () => {
    inbox = await startInbox();
    a = await startAccountsApp(dialect, {
      TESSERA_SMTP_URL: inbox.url,
      TESSERA_MAIL_FROM: 'Tessera <id@tessera.test>',
    });
  });
  afterEach(async () => {
    await a.close();
    await inbox.close();
  });

  it('mails the invitation (the response holds no link); the mailed link activates the account', async () => {
    const id = await a.createUser('ada', { emails: [{ value: 'ada@example.com', primary: true }] });
    const invite = await a.t.admin('POST', `/users/${id}/invitations`);
    expect(invite.status).toBe(201);
    expect(invite.json).toMatchObject({ delivery: 'mail', mailedTo: 'ada@example.com', purpose: 'activate' });
    expect(invite.json.link).toBeUndefined();
    expect(invite.body).not.toMatch(/code=/);
    const mail = await inbox.next(1);
    expect(mail.to).toEqual(['ada@example.com']);
    expect(mail.raw).toMatch(/^Subject: Your Tessera account/m);
    expect(mail.raw).toMatch(/^From: Tessera <id@tessera\.test>/m);
    const browser = a.browser();
    expect(
      (await browser.submit(pathOf(linkIn(mail.raw)), { password: PASSWORD, confirm: PASSWORD })).status,
    ).toBe(303);
    expect((await browser.get('/')).body).toContain('<dd id="user-name">ada</dd>');
  });

  it('a user without an email address gets the link back even with SMTP configured', async () => {
    const id = await a.createUser('nomail');
    const invite = await a.t.admin('POST', `/users/${id}/invitations`);
    expect(invite.json.delivery).toBe('link');
    expect(invite.json.link).toMatch(/\/activate\?code=/);
  });

  it('/reset answers the same for known and unknown names and mails a link only to the account; the reset ends other sessions', async () => {
    const { browser: other } = await a.activatedUser('ada', PASSWORD);
    await a.t.admin('PATCH', `/users/${(await a.t.admin('GET', '/users?userName=ada')).json.items[0].id}`, {
      emails: [{ value: 'ada@example.com' }],
    });
    const unknown = await a.browser().submit('/reset', { username: 'nobody' });
    const known = await a.browser().submit('/reset', { username: 'ada@example.com' });
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    expect(known.body).toBe(unknown.body);
    const mail = await inbox.next(1);
    expect(mail.to).toEqual(['ada@example.com']);
    expect(mail.raw).toMatch(/^Subject: Reset your Tessera password/m);
    // A second request within a minute mails nothing more (no inbox flooding), and answers the same.
    expect((await a.browser().submit('/reset', { username: 'ada' })).body).toBe(unknown.body);
    await new Promise((r) => setTimeout(r, 300));
    expect(inbox.messages).toHaveLength(1); // nothing for "nobody", nothing twice for ada

    const link = pathOf(linkIn(mail.raw));
    expect(link).toMatch(/^\/reset\?code=/);
    const browser = a.browser();
    const done = await browser.submit(link, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.status).toBe(303);
    expect((await browser.get('/')).body).toContain('<dd id="user-name">ada</dd>');
    // The session from before the reset is gone; the old password no longer works, the new one does.
    expect((await other.get('/')).body).toContain('You are not signed in');
    const old = await a.browser().submit('/login', { username: 'ada', password: PASSWORD });
    expect(old.status).toBe(400);
    expect((await a.browser().submit('/login', { username: 'ada', password: NEW_PASSWORD })).status).toBe(
      303,
    );
    // Single use.
    expect((await a.browser().get(link)).status).toBe(400);
  });
});

describeDialects('password reset without SMTP (admin API link)', (dialect) => {
  let a: AccountsApp;
  beforeEach(async () => {
    a = await startAccountsApp(dialect);
  });
  afterEach(async () => a.close());

  it('returns the reset link; using it sets the password, ends other sessions, lifts a lockout; audited', async () => {
    const { id, browser: other } = await a.activatedUser('ada', PASSWORD);
    for (let i = 0; i < 5; i++)
      await a.browser().submit('/login', { username: 'ada', password: `wrong ${i} password` });
    expect((await a.browser().submit('/login', { username: 'ada', password: PASSWORD })).status).toBe(429);
    const reset = await a.t.admin('POST', `/users/${id}/password-resets`);
    expect(reset.status).toBe(201);
    expect(reset.json).toMatchObject({ delivery: 'link', purpose: 'reset' });
    expect(Date.parse(reset.json.expiresAt) - a.clock.at).toBe(3_600_000);
    const browser = a.browser();
    expect(
      (await browser.submit(pathOf(reset.json.link), { password: NEW_PASSWORD, confirm: NEW_PASSWORD }))
        .status,
    ).toBe(303);
    expect((await other.get('/')).body).toContain('You are not signed in');
    expect((await a.browser().submit('/login', { username: 'ada', password: NEW_PASSWORD })).status).toBe(
      303,
    );
    const audit = await a.t.admin('GET', `/audit?targetId=${id}`);
    const actions = audit.json.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.password_reset_issued', 'user.password_reset']));
  });

  it('/reset without SMTP mails nothing and still answers generically', async () => {
    await a.activatedUser('ada', PASSWORD);
    const page = await a.browser().submit('/reset', { username: 'ada' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Ask your administrator for a reset link');
  });

  it('an activation link does not work as a reset link and vice versa', async () => {
    const id = await a.createUser('bob');
    const invite = await a.t.admin('POST', `/users/${id}/invitations`);
    const code = new URL(invite.json.link).searchParams.get('code');
    expect((await a.browser().get(`/reset?code=${code}`)).status).toBe(400);
  });
});

describe('cookie attributes', () => {
  for (const [name, env, headers, secure] of [
    ['plain HTTP', {}, {}, false],
    ['X-Forwarded-Proto without a trusted proxy', {}, { 'x-forwarded-proto': 'https' }, false],
    [
      'X-Forwarded-Proto from a trusted proxy',
      { TESSERA_TRUST_PROXY: 'true' },
      { 'x-forwarded-proto': 'https' },
      true,
    ],
  ] as const) {
    it(`${name}: HttpOnly, SameSite=Lax, Path=/${secure ? ', Secure and __Host-' : ', not Secure'}`, async () => {
      const a = await startAccountsApp('sqlite', env);
      try {
        const id = await a.createUser('ada');
        const invite = await a.t.admin('POST', `/users/${id}/invitations`);
        const browser = a.browser(headers);
        const form = await browser.get(pathOf(invite.json.link));
        const done = await browser.submit(pathOf(invite.json.link), {
          password: PASSWORD,
          confirm: PASSWORD,
        });
        expect(done.status).toBe(303);
        const cookies = [...form.setCookies, ...done.setCookies];
        const prefix = secure ? '__Host-' : '';
        const session = cookies.find((c) => c.startsWith(`${prefix}tessera_session=`));
        const csrf = cookies.find((c) => c.startsWith(`${prefix}tessera_csrf=`));
        for (const cookie of [session, csrf]) {
          expect(cookie).toBeDefined();
          expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax/);
          if (secure) expect(cookie).toMatch(/; Secure$/);
          else expect(cookie).not.toMatch(/Secure/);
        }
        expect(session).toMatch(/^(__Host-)?tessera_session=[A-Za-z0-9_-]{43};/);
        expect((await browser.get('/')).body).toContain('Sign out');
      } finally {
        await a.close();
      }
    });
  }
});
