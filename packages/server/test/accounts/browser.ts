/**
 * A small browser for page tests: fetch against a listening server, a cookie jar that follows
 * Set-Cookie (name=value, Max-Age=0 deletes), no automatic redirects (tests assert them), and
 * form helpers that read hidden fields (the CSRF token) from the last page.
 */

export interface Page {
  status: number;
  headers: Headers;
  body: string;
  /** Location header, when a redirect. */
  location: string | null;
  setCookies: string[];
}

export class Browser {
  readonly jar = new Map<string, string>();
  readonly base: string;
  readonly extraHeaders: Record<string, string>;

  constructor(base: string, extraHeaders: Record<string, string> = {}) {
    this.base = base;
    this.extraHeaders = extraHeaders;
  }

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Page> {
    const res = await fetch(new URL(path, this.base), {
      method,
      redirect: 'manual',
      headers: {
        ...this.extraHeaders,
        ...(this.jar.size > 0 ? { cookie: this.cookieHeader() } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq).trim();
      const value = (pair ?? '').slice(eq + 1).trim();
      if (/;\s*Max-Age=0/i.test(line) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return {
      status: res.status,
      headers: res.headers,
      body: await res.text(),
      location: res.headers.get('location'),
      setCookies,
    };
  }

  get(path: string, headers?: Record<string, string>): Promise<Page> {
    return this.request('GET', path, undefined, headers);
  }

  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Page> {
    return this.request('POST', path, form, headers);
  }

  /** GETs the page, then posts its form (the one whose action is `action`, or the first) with its hidden fields plus `fields`. */
  async submit(path: string, fields: Record<string, string>, action?: string): Promise<Page> {
    const page = await this.get(path);
    if (page.status !== 200) throw new Error(`GET ${path}: ${page.status}`);
    const form = findForm(page.body, action);
    return this.post(form.action, { ...form.hidden, ...fields });
  }
}

export function findForm(body: string, action?: string): { action: string; hidden: Record<string, string> } {
  const forms = [...body.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const match = forms.find((f) => action === undefined || decode(f[1] ?? '') === action);
  if (!match) throw new Error(`no form${action ? ` with action ${action}` : ''} in page:\n${body}`);
  const hidden: Record<string, string> = {};
  for (const input of (match[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    hidden[input[1] as string] = decode(input[2] as string);
  }
  return { action: decode(match[1] as string), hidden };
}

const decode = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
