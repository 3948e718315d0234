/**
 * Server-rendered pages: one escaping template tag and one way to send a page, so every page
 * has the same document shape, stylesheet and security headers.
 *
 * - `html` escapes every interpolation (`& < > " '`); a nested `html` result, or an array of
 *   them, passes through as markup. Nothing else can inject markup.
 * - `sendPage` writes a complete document (`lang`, viewport, title, the one stylesheet at
 *   /assets/tessera.css) with a strict Content-Security-Policy: no script at all, styles only
 *   from our own origin, forms only to ourselves (plus the origins a page's form redirects to:
 *   Chrome applies `form-action` to the redirects after a form post), no framing
 *   (clickjacking), no `<base>`; and `Cache-Control: no-store` (pages carry CSRF tokens and
 *   personal data).
 */
import type { FastifyReply } from 'fastify';

export const STYLESHEET_PATH = '/assets/tessera.css';

const SAFE = Symbol('tessera.html');

/** Markup that `html` produced (or that the caller vouches for with `unsafeHtml`). */
export interface Html {
  readonly [SAFE]: true;
  readonly markup: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

const isHtml = (value: unknown): value is Html =>
  typeof value === 'object' && value !== null && (value as Partial<Html>)[SAFE] === true;

function fragment(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (isHtml(value)) return value.markup;
  if (Array.isArray(value)) return value.map(fragment).join('');
  return escapeHtml(String(value));
}

/** Tagged template: every `${value}` is escaped unless it is itself an `html` result (or an array of them). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let markup = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) markup += fragment(values[i]) + (strings[i + 1] ?? '');
  return { [SAFE]: true, markup };
}

/** Trusted markup from a constant (never from input). */
export const unsafeHtml = (markup: string): Html => ({ [SAFE]: true, markup });

export interface PageOptions {
  title: string;
  body: Html;
  /** Default 200. */
  status?: number;
  /**
   * Origins (scheme://host[:port]) a form on this page may end up at after redirects, e.g. the
   * client's redirect_uri origin on a consent page. Each must be an absolute http(s) origin.
   */
  formActionOrigins?: readonly string[];
}

function origin(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`form-action origin must be http(s): ${value}`);
  }
  return url.origin;
}

export function contentSecurityPolicy(formActionOrigins: readonly string[] = []): string {
  const formAction = ["'self'", ...new Set(formActionOrigins.map(origin))].join(' ');
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The headers every page and page error carries. */
export function setPageHeaders(reply: FastifyReply, formActionOrigins?: readonly string[]): void {
  reply
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Content-Security-Policy', contentSecurityPolicy(formActionOrigins))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY')
    .header('Cross-Origin-Opener-Policy', 'same-origin')
    .header('Cache-Control', 'no-store')
    .header('Pragma', 'no-cache');
}

export function renderDocument(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Tessera</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header class="site"><span class="brand">Tessera</span></header>
<main id="main">
${body}
</main>
</body>
</html>
`.markup;
}

/** Sends a complete page. Returns the reply so a route can `return sendPage(...)`. */
export function sendPage(reply: FastifyReply, options: PageOptions): FastifyReply {
  setPageHeaders(reply, options.formActionOrigins);
  return reply.code(options.status ?? 200).send(renderDocument(options.title, options.body));
}

/** A plain error page for browsers: a heading and one sentence, nothing from the request echoed unescaped. */
export function sendErrorPage(
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
): FastifyReply {
  return sendPage(reply, {
    title,
    status,
    body: html`<h1>${title}</h1>
<p role="alert">${message}</p>
<p><a href="/">Home</a></p>`,
  });
}
