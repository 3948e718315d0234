import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeDialects } from '../support/stores.js';
import { Browser } from './browser.js';

describeDialects('pages: shell, stylesheet, headers', (dialect) => {
  let t: TestApp;
  let base: string;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => t.close());

  // Regression: the CSRF key was kept in clear in the store's meta table; it is sealed with the
  // master key now, like the signing keys.
  it('keeps the CSRF key sealed with the master key, never in clear', async () => {
    const sealed = await t.runtime.store.getMeta('accounts.secret.csrf-sealed');
    expect(sealed).toBeDefined();
    expect(await t.runtime.store.getMeta('accounts.secret.csrf')).toBeUndefined();
    // IV (12) + GCM tag (16) + the 32-byte key, opened only with the master key's vault.
    expect(Buffer.from(sealed as string, 'base64url').length).toBe(60);
    expect(t.runtime.vault.open(sealed as string, 'tessera/csrf-key').length).toBe(32);
    expect(() => t.runtime.vault.open(sealed as string, 'another purpose')).toThrow();
  });

  it('serves the signed-out home page with the strict CSP and the stylesheet', async () => {
    const browser = new Browser(base);
    const page = await browser.get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('href="/assets/tessera.css"');
    const css = await browser.get('/assets/tessera.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('GET /logout signed out shows the signed-out page; POST without CSRF is refused', async () => {
    const browser = new Browser(base);
    expect((await browser.get('/logout')).body).toContain('You are signed out');
    const refused = await browser.post('/logout', { csrf: 'x' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('did not come from this site');
  });
});
