/** A listening Tessera for account tests: a settable clock, admin helpers, a user with a password. */
import type { Clock } from '../../src/core/ports.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Dialect } from '../support/stores.js';
import { Browser } from './browser.js';

export class TestClock implements Clock {
  at = Date.now();
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

export interface AccountsApp {
  t: TestApp;
  base: string;
  clock: TestClock;
  browser(headers?: Record<string, string>): Browser;
  createUser(userName: string, extra?: Record<string, unknown>): Promise<string>;
  /** Invites (no SMTP: the link comes back) and activates with `password`; returns the signed-in browser. */
  activatedUser(userName: string, password: string): Promise<{ id: string; browser: Browser }>;
  close(): Promise<void>;
}

export async function startAccountsApp(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<AccountsApp> {
  const clock = new TestClock();
  const t = await startTestApp(dialect, { clock, env });
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const app: AccountsApp = {
    t,
    base,
    clock,
    browser: (headers) => new Browser(base, headers),
    async createUser(userName, extra = {}) {
      const res = await t.admin('POST', '/users', { userName, ...extra });
      if (res.status !== 201) throw new Error(`create user: ${res.status} ${res.body}`);
      return res.json.id as string;
    },
    async activatedUser(userName, password) {
      const id = await app.createUser(userName);
      const invite = await t.admin('POST', `/users/${id}/invitations`);
      if (invite.status !== 201) throw new Error(`invite: ${invite.status} ${invite.body}`);
      const browser = app.browser();
      const done = await browser.submit(pathOf(invite.json.link), { password, confirm: password });
      if (done.status !== 303) throw new Error(`activate: ${done.status} ${done.body}`);
      return { id, browser };
    },
    close: () => t.close(),
  };
  return app;
}

/** Path and query of an absolute link (the issuer in tests is http://tessera.test). */
export const pathOf = (link: string): string => {
  const url = new URL(link);
  return url.pathname + url.search;
};
