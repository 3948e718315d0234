import type { Service } from './process.ts';

export interface WaitForHttpOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Stop waiting (and say why) as soon as this process exits. */
  readonly service?: Service;
}

/** Polls `url` with GET until it answers 200. */
export async function waitForHttp(url: string, options: WaitForHttpOptions = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 100, service } = options;
  const deadline = Date.now() + timeoutMs;
  let exitStatus: string | undefined;
  void service?.exited.then((status) => {
    exitStatus = status;
  });
  let last = 'no answer yet';
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    const tail = service ? `\n${service.tail()}` : '';
    if (exitStatus !== undefined) {
      throw new Error(`${service?.name} ${exitStatus} before ${url} answered 200 (last: ${last})${tail}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The Authorization header for client_secret_basic: both parts are form-urlencoded before
 * base64 (https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1).
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

export interface FormPost {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A client_credentials token request (https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2). */
export function clientCredentialsRequest(tokenUrl: string, clientId: string, clientSecret: string): FormPost {
  return {
    url: tokenUrl,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuthorization(clientId, clientSecret),
    },
    body: 'grant_type=client_credentials',
  };
}

/** Sends the request once and returns the access token, failing loudly on anything but 200 + JSON. */
export async function fetchAccessToken(request: FormPost): Promise<string> {
  const response = await fetch(request.url, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`token request to ${request.url} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  const json = JSON.parse(text) as { access_token?: unknown; token_type?: unknown };
  if (typeof json.access_token !== 'string') {
    throw new Error(`token response from ${request.url} has no access_token: ${text.slice(0, 300)}`);
  }
  return json.access_token;
}
