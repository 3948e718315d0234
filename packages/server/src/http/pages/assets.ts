/**
 * The one stylesheet of every page, served from memory at /assets/tessera.css (CSP `style-src
 * 'self'`: no inline styles, no external assets). Small on purpose: system fonts, readable
 * widths, visible focus, enough contrast.
 */
import type { FastifyInstance } from 'fastify';
import { STYLESHEET_PATH } from './render.js';

export const STYLESHEET = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--accent:#0b5cad;--accent-fg:#fff;--error:#b3261e;--ok:#116329}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;--line:#30363d;--accent:#4493f8;--accent-fg:#0d1117;--error:#ff7b72;--ok:#3fb950}}
*{box-sizing:border-box}
html{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0}
header.site{padding:.75rem 1.25rem;border-bottom:1px solid var(--line)}
.brand{font-weight:700;letter-spacing:.02em}
main{max-width:28rem;margin:2rem auto;padding:0 1.25rem}
h1{font-size:1.5rem;margin:0 0 1rem}
p{margin:0 0 1rem}
a{color:var(--accent)}
form{margin:0 0 1rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
.hint{display:block;color:var(--muted);font-size:.875rem;margin:0 0 .25rem}
input[type=text],input[type=password],input[type=email]{width:100%;padding:.5rem .625rem;font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:6px}
input[aria-invalid=true]{border-color:var(--error)}
button{font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer}
button.secondary{background:transparent;color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.error{color:var(--error);font-weight:600}
.notice{border-left:4px solid var(--accent);padding:.5rem .75rem;margin:0 0 1rem}
.notice.error{border-color:var(--error)}
.actions{display:flex;gap:.75rem;align-items:center;flex-wrap:wrap}
.code{font:1.5rem/1.2 ui-monospace,SFMono-Regular,Menlo,monospace;letter-spacing:.1em}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
`;

export function stylesheetRoute(app: FastifyInstance): void {
  app.get(STYLESHEET_PATH, async (_request, reply) =>
    reply
      .header('Content-Type', 'text/css; charset=utf-8')
      .header('Cache-Control', 'public, max-age=3600')
      .header('X-Content-Type-Options', 'nosniff')
      .send(STYLESHEET),
  );
}
