import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { type AccountsApp, pathOf, startAccountsApp } from './support.js';

const PASSWORD = 'correct horse battery staple';

describeDialects('invitations and activation', (dialect) => {
  let a: AccountsApp;
  beforeEach(async () => {
    a = await startAccountsApp(dialect, { TESSERA_INVITATION_LIFETIME: '72h' });
  });
  afterEach(async () => a.close());

  it('invite → activate → signed in on the home page; the link is single use; audited', async () => {
    const id = await a.createUser('ada', { emails: [{ value: 'ada@example.com', primary: true }] });
    const invite = await a.t.admin('POST', `/users/${id}/invitations`);
    expect(invite.status).toBe(201);
    expect(invite.json.delivery).toBe('link');
    expect(invite.json.link).toMatch(/^http:\/\/tessera\.test\/activate\?code=[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(invite.json.expiresAt) - a.clock.at).toBe(72 * 3_600_000);

    const browser = a.browser();
    const form = await browser.get(pathOf(invite.json.link));
    expect(form.status).toBe(200);
    expect(form.body).toContain('Activate your account');
    expect(form.body).toMatch(/<label for="f-password">New password<\/label>/);

    const done = await browser.submit(pathOf(invite.json.link), { password: PASSWORD, confirm: PASSWORD });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/');
    const home = await browser.get('/');
    expect(home.body).toContain('<dd id="user-name">ada</dd>');
    expect(home.body).toContain('Sign out');

    // Single use: the same link again, even from another browser, is refused.
    const again = await a.browser().get(pathOf(invite.json.link));
    expect(again.status).toBe(400);
    expect(again.body).toContain('This link is invalid, was already used, or has expired.');

    const audit = await a.t.admin('GET', `/audit?targetId=${id}`);
    const actions = audit.json.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.invited', 'user.activated']));
    // No secret in the audit log: neither the code nor the password.
    const code = new URL(invite.json.link).searchParams.get('code') as string;
    expect(audit.body).not.toContain(code);
    expect(audit.body).not.toContain(PASSWORD);
  });

  it('a second submit of an already-used form is refused (single use under a race)', async () => {
    const id = await a.createUser('bob');
    const invite = await a.t.admin('POST', `/users/${id}/invitations`);
    const browser = a.browser();
    const page = await browser.get(pathOf(invite.json.link));
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] as string;
    const code = new URL(invite.json.link).searchParams.get('code') as string;
    const post = () => browser.post('/activate', { csrf, code, password: PASSWORD, confirm: PASSWORD });
    const results = await Promise.all([post(), post()]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 400]);
  });

  it('a newer invitation invalidates the older one', async () => {
    const id = await a.createUser('carol');
    const first = await a.t.admin('POST', `/users/${id}/invitations`);
    const second = await a.t.admin('POST', `/users/${id}/invitations`);
    expect((await a.browser().get(pathOf(first.json.link))).status).toBe(400);
    expect((await a.browser().get(pathOf(second.json.link))).status).toBe(200);
  });

  it('an expired link is refused', async () => {
    const id = await a.createUser('dave');
    const invite = await a.t.admin('POST', `/users/${id}/invitations`);
    const browser = a.browser();
    const page = await browser.get(pathOf(invite.json.link));
    expect(page.status).toBe(200);
    a.clock.advance(72 * 3_600_000);
    const late = await browser.get(pathOf(invite.json.link));
    expect(late.status).toBe(400);
  });

  it('refuses a short password, the user name as password, and mismatched confirmation, with the error tied to the field', async () => {
    const id = await a.createUser('erin', { emails: [{ value: 'erin@example.com' }] });
    const invite = await a.t.admin('POST', `/users/${id}/invitations`);
    const link = pathOf(invite.json.link);
    const short = await a.browser().submit(link, { password: 'short pw', confirm: 'short pw' });
    expect(short.status).toBe(400);
    expect(short.body).toContain('at least 12 characters');
    expect(short.body).toMatch(/aria-describedby="f-password-hint f-password-error" aria-invalid="true"/);
    const own = await a.browser().submit(link, { password: 'ERIN@example.com', confirm: 'ERIN@example.com' });
    expect(own.status).toBe(400);
    expect(own.body).toContain('must not be your user name or email address');
    const mismatch = await a.browser().submit(link, { password: PASSWORD, confirm: `${PASSWORD}!` });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toContain('do not match');
    const tooLong = await a.browser().submit(link, { password: 'x'.repeat(257), confirm: 'x'.repeat(257) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toContain('at most 256 characters');
    // None of these consumed the link.
    expect((await a.browser().submit(link, { password: PASSWORD, confirm: PASSWORD })).status).toBe(303);
  });

  it('refuses invitations for unknown and disabled users', async () => {
    expect((await a.t.admin('POST', '/users/01900000-0000-7000-8000-000000000000/invitations')).status).toBe(
      404,
    );
    const id = await a.createUser('frank', { active: false });
    const res = await a.t.admin('POST', `/users/${id}/invitations`);
    expect(res.status).toBe(409);
  });
});
