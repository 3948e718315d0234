import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, html, renderDocument } from './render.js';
import { safeReturnTo } from './session.js';

describe('html', () => {
  it('escapes every interpolation and lets nested html through', () => {
    const name = `<script>alert("x")</script>&'`;
    const inner = html`<b>${name}</b>`;
    expect(html`<p title="${name}">${inner}</p>`.markup).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b></p>',
    );
    expect(html`${[html`<i>a</i>`, '<b>']}${undefined}${null}${false}${0}`.markup).toBe('<i>a</i>&lt;b&gt;0');
    // A look-alike object is not trusted markup.
    expect(html`${{ markup: '<x>' }}`.markup).toBe('[object Object]');
  });

  it('renders a whole document with lang, title and the one stylesheet', () => {
    const doc = renderDocument('A <title>', html`<h1>Hi</h1>`);
    expect(doc).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(doc).toContain('<title>A &lt;title&gt; · Tessera</title>');
    expect(doc).toContain('<link rel="stylesheet" href="/assets/tessera.css">');
    expect(doc).not.toMatch(/<script|style=/);
  });

  it('CSP: form-action self plus the given origins only', () => {
    expect(contentSecurityPolicy(['https://app.example/cb?x=1', 'http://localhost:3000/a'])).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' https://app.example http://localhost:3000; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(() => contentSecurityPolicy(['javascript:alert(1)'])).toThrow(TypeError);
  });
});

describe('safeReturnTo', () => {
  it('keeps same-origin paths and refuses everything else', () => {
    expect(safeReturnTo('/oauth2/authorize?a=1&b=2')).toBe('/oauth2/authorize?a=1&b=2');
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'evil',
      '/\tx',
      '/x\ny',
      '',
      7,
      undefined,
      `/${'a'.repeat(3000)}`,
    ]) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });
});
