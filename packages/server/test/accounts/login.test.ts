import { afterEach, beforeEach, expect, it } from 'vitest';
import { hashPassword, needsRehash } from '../../src/core/accounts/passwords.js';
import { describeDialects } from '../support/stores.js';
import { type Browser, findForm } from './browser.js';
import { type AccountsApp, startAccountsApp } from './support.js';

const PASSWORD = 'correct horse battery staple';
const GENERIC = 'Incorrect user name or password.';
const LOCKED = 'Too many failed attempts. Try again later.';

const signIn = (browser: Browser, username: string, password: string, returnTo?: string) =>
  browser.submit(returnTo === undefined ? '/login' : `/login?return_to=${encodeURIComponent(returnTo)}`, {
    username,
    password,
  });

describeDialects('login, sessions, lockout', (dialect) => {
  let a: AccountsApp;
  beforeEach(async () => {
    a = await startAccountsApp(dialect);
  });
  afterEach(async () => a.close());

  it('signs in with the right password (by user name or email) and audits success and failure', async () => {
    const { id } = await a.activatedUser('ada', PASSWORD);
    await a.t.admin('PATCH', `/users/${id}`, { emails: [{ value: 'ada@example.com' }] });
    const browser = a.browser();
    const ok = await signIn(browser, 'ADA', PASSWORD);
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/');
    expect((await browser.get('/')).body).toContain('<dd id="user-name">ada</dd>');
    expect((await signIn(a.browser(), 'ada@example.com', PASSWORD)).status).toBe(303);

    const wrong = await signIn(a.browser(), 'ada', 'not the password at all');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain(GENERIC);
    const audit = await a.t.admin('GET', `/audit?targetId=${id}`);
    const rows = audit.json.items as { action: string; summary: Record<string, unknown>; sourceIp: string }[];
    expect(rows.filter((r) => r.action === 'login.succeeded')).toHaveLength(2);
    const failed = rows.find((r) => r.action === 'login.failed');
    expect(failed?.summary.reason).toBe('wrong_password');
    expect(failed?.sourceIp).toBe('127.0.0.1');
    expect(audit.body).not.toContain('not the password at all');
  });

  it('rehashes a password stored with older scrypt parameters at the next successful login', async () => {
    const { id } = await a.activatedUser('ada', PASSWORD);
    const store = a.t.runtime.ctx.store;
    const old = await hashPassword(PASSWORD, { ln: 12, r: 8, p: 1 });
    await store.setPasswordHash(id, old, new Date());
    expect((await signIn(a.browser(), 'ada', 'not the password at all')).status).toBe(400);
    expect(await store.getPasswordHash(id)).toBe(old); // a failure changes nothing
    expect((await signIn(a.browser(), 'ada', PASSWORD)).status).toBe(303);
    const now = (await store.getPasswordHash(id)) as string;
    expect(now).not.toBe(old);
    expect(needsRehash(now)).toBe(false);
    expect((await signIn(a.browser(), 'ada', PASSWORD)).status).toBe(303);
  });

  it('answers unknown user, no password yet, wrong password and disabled user the same way', async () => {
    await a.activatedUser('ada', PASSWORD);
    await a.createUser('nopass');
    const disabled = await a.activatedUser('gone', PASSWORD);
    await a.t.admin('PATCH', `/users/${disabled.id}`, { active: false });
    const answers = await Promise.all([
      signIn(a.browser(), 'nobody', PASSWORD),
      signIn(a.browser(), 'nopass', PASSWORD),
      signIn(a.browser(), 'ada', `${PASSWORD}x`),
      signIn(a.browser(), 'gone', PASSWORD),
    ]);
    for (const page of answers) {
      expect(page.status).toBe(400);
      expect(page.body).toContain(GENERIC);
    }
    const strip = (body: string) => body.replace(/value="[^"]*"/g, '');
    expect(new Set(answers.map((p) => strip(p.body).replace(/nobody|nopass|ada|gone/g, 'X'))).size).toBe(1);
  });

  it('locks an account after 5 failures, for 1 minute then 2, lifted after the lock period, reset by success', async () => {
    await a.activatedUser('ada', PASSWORD);
    for (let i = 0; i < 5; i++)
      expect((await signIn(a.browser(), 'ada', `wrong password ${i}`)).body).toContain(GENERIC);
    // Now locked: even the right password is refused, with the lockout message and Retry-After.
    const locked = await signIn(a.browser(), 'ada', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body).toContain(LOCKED);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
    a.clock.advance(59_000);
    expect((await signIn(a.browser(), 'ada', PASSWORD)).status).toBe(429);
    a.clock.advance(2_000);
    // Lifted; five more failures lock it again, now for 2 minutes.
    for (let i = 0; i < 5; i++) await signIn(a.browser(), 'ada', `wrong password ${i}`);
    a.clock.advance(61_000);
    expect((await signIn(a.browser(), 'ada', PASSWORD)).status).toBe(429);
    a.clock.advance(60_000);
    expect((await signIn(a.browser(), 'ada', PASSWORD)).status).toBe(303);
    // Success reset the count: four failures do not lock.
    for (let i = 0; i < 4; i++) await signIn(a.browser(), 'ada', `wrong password ${i}`);
    expect((await signIn(a.browser(), 'ada', PASSWORD)).status).toBe(303);
  });

  it('locks unknown user names exactly like accounts (no account-existence oracle)', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn(a.browser(), 'nobody', `guess ${i}`)).status).toBe(400);
    const page = await signIn(a.browser(), 'nobody', 'guess 6');
    expect(page.status).toBe(429);
    expect(page.body).toContain(LOCKED);
  });

  it('limits password posts per IP address', async () => {
    await a.close();
    a = await startAccountsApp(dialect, { TESSERA_LOGIN_RATE_LIMIT: '3' });
    await a.activatedUser('ada', PASSWORD); // one post
    for (let i = 0; i < 2; i++)
      expect((await signIn(a.browser(), `user${i}`, 'whatever password')).status).toBe(400);
    const limited = await signIn(a.browser(), 'ada', PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.body).toContain('Too many attempts from your network');
    a.clock.advance(60_000);
    expect((await signIn(a.browser(), 'ada', PASSWORD)).status).toBe(303);
  });

  it('refuses every form without the right CSRF token', async () => {
    const { id, browser } = await a.activatedUser('ada', PASSWORD);
    const stranger = a.browser();
    const invite = await a.t.admin('POST', `/users/${await a.createUser('bob')}/invitations`);
    const reset = await a.t.admin('POST', `/users/${id}/password-resets`);
    const code = (link: string) => new URL(link).searchParams.get('code') as string;
    const posts: [string, Record<string, string>][] = [
      ['/login', { username: 'ada', password: PASSWORD }],
      ['/logout', {}],
      ['/activate', { code: code(invite.json.link), password: PASSWORD, confirm: PASSWORD }],
      ['/reset', { username: 'ada' }],
      ['/reset', { code: code(reset.json.link), password: PASSWORD, confirm: PASSWORD }],
    ];
    const tokenOfOtherBrowser = findForm((await browser.get('/')).body).hidden.csrf as string;
    for (const [path, form] of posts) {
      for (const csrf of [undefined, 'forged', tokenOfOtherBrowser]) {
        const page = await stranger.post(path, csrf === undefined ? form : { ...form, csrf });
        expect(page.status, `${path} csrf=${csrf}`).toBe(400);
        expect(page.body).toContain('did not come from this site');
      }
    }
    // Nothing happened: ada is still signed in, the links still work, the stranger is signed out.
    expect((await browser.get('/')).body).toContain('Sign out');
    expect((await a.browser().get(`/activate?code=${code(invite.json.link)}`)).status).toBe(200);
    expect(stranger.jar.has('tessera_session')).toBe(false);
  });

  it('follows return_to only to same-origin paths', async () => {
    await a.activatedUser('ada', PASSWORD);
    const cases: [string, string][] = [
      ['/oauth2/authorize?client_id=x&state=y', '/oauth2/authorize?client_id=x&state=y'],
      ['https://evil.example/', '/'],
      ['//evil.example/x', '/'],
      ['/\\evil.example', '/'],
      ['javascript:alert(1)', '/'],
      ['/%0d%0aSet-Cookie:x=y', '/%0d%0aSet-Cookie:x=y'],
      ['', '/'],
    ];
    for (const [returnTo, expected] of cases) {
      const page = await signIn(a.browser(), 'ada', PASSWORD, returnTo);
      expect(page.status, returnTo).toBe(303);
      expect(page.location, returnTo).toBe(expected);
    }
    // Tampering with the hidden field after the page rendered is no better.
    const browser = a.browser();
    const form = findForm((await browser.get('/login')).body);
    const page = await browser.post('/login', {
      ...form.hidden,
      return_to: '//evil.example',
      username: 'ada',
      password: PASSWORD,
    });
    expect(page.location).toBe('/');
  });

  it('sign-out: GET asks, POST ends the session server-side', async () => {
    const { browser } = await a.activatedUser('ada', PASSWORD);
    const stolen = browser.cookieHeader();
    const confirm = await browser.get('/logout');
    expect(confirm.body).toContain('Sign out of Tessera on this browser?');
    expect((await browser.get('/')).body).toContain('Sign out'); // GET did not sign out
    const out = await browser.submit('/logout', {});
    expect(out.status).toBe(200);
    expect(out.body).toContain('You are signed out');
    expect((await browser.get('/')).body).toContain('You are not signed in');
    // The old cookie value is dead on the server too.
    expect((await a.browser().get('/', { cookie: stolen })).body).toContain('You are not signed in');
  });

  it('disabling or deleting a user ends their sessions at once', async () => {
    const ada = await a.activatedUser('ada', PASSWORD);
    const bob = await a.activatedUser('bob', PASSWORD);
    await a.t.admin('PATCH', `/users/${ada.id}`, { active: false });
    expect((await ada.browser.get('/')).body).toContain('You are not signed in');
    const login = await ada.browser.get('/login?return_to=%2Fx');
    expect(login.status).toBe(200); // not redirected as if signed in
    await a.t.admin('DELETE', `/users/${bob.id}`);
    expect((await bob.browser.get('/')).body).toContain('You are not signed in');
  });

  it('sessions end after the idle timeout and at the absolute lifetime', async () => {
    const { browser } = await a.activatedUser('ada', PASSWORD);
    a.clock.advance(59 * 60_000);
    expect((await browser.get('/')).body).toContain('Sign out'); // used: idle timer restarts
    a.clock.advance(59 * 60_000);
    expect((await browser.get('/')).body).toContain('Sign out');
    a.clock.advance(60 * 60_000 + 1);
    expect((await browser.get('/')).body).toContain('You are not signed in');

    const again = a.browser();
    expect((await signIn(again, 'ada', PASSWORD)).status).toBe(303);
    for (let i = 0; i < 13; i++) {
      a.clock.advance(55 * 60_000);
      expect((await again.get('/')).body).toContain('Sign out');
    }
    a.clock.advance(10 * 60_000); // 12 h 5 min since sign-in, never idle for long
    expect((await again.get('/')).body).toContain('You are not signed in');
  });

  it('a new sign-in replaces the session the browser had (no fixation)', async () => {
    const { browser } = await a.activatedUser('ada', PASSWORD);
    const before = browser.cookieHeader();
    // Signed in, /login redirects; a posted form (the CSRF token is per browser) still works.
    const csrf = findForm((await browser.get('/')).body).hidden.csrf as string;
    expect((await browser.post('/login', { csrf, username: 'ada', password: PASSWORD })).status).toBe(303);
    expect(browser.cookieHeader()).not.toBe(before);
    expect((await a.browser().get('/', { cookie: before })).body).toContain('You are not signed in');
  });

  it('signed in, /login goes straight to return_to; signed out, pages that need a session send to /login', async () => {
    const { browser } = await a.activatedUser('ada', PASSWORD);
    const page = await browser.get('/login?return_to=%2Fsomewhere%3Fa%3D1');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/somewhere?a=1');
  });
});
