/**
 * The CLI's side of OAuth, over HTTP like the remote backend: discovery (RFC 8414), the device
 * authorization request and polling (RFC 8628), refresh (RFC 6749 §6), revocation (RFC 7009)
 * and UserInfo. The CLI is a public client: it sends its client_id and nothing else.
 */
import { CliError } from '../errors.js';
import { clean } from '../output.js';

const TIMEOUT_MS = 30_000;

export interface ServerMetadata {
  issuer: string;
  token_endpoint: string;
  device_authorization_endpoint?: string;
  revocation_endpoint?: string;
  userinfo_endpoint?: string;
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval?: number;
}

export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
}

/** An OAuth error answer (RFC 6749 §5.2): its `error` code, for the caller to switch on. */
export class OAuthError extends CliError {
  readonly error: string;
  readonly status: number;
  constructor(status: number, error: string, description: string | undefined) {
    super(`the server refused: ${clean(error)}${description ? ` (${clean(description)})` : ''}`);
    this.error = error;
    this.status = status;
  }
}

async function request(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `cannot reach ${new URL(url).origin} (${what}): ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

async function json(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {}
  throw new CliError(`${what}: the server answered ${response.status} without a JSON object`);
}

const form = (params: Record<string, string | undefined>): URLSearchParams =>
  new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );

async function post(url: string, params: Record<string, string | undefined>, what: string) {
  const response = await request(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form(params),
    },
    what,
  );
  const body = response.status === 200 && what === 'revocation' ? {} : await json(response, what);
  if (response.status >= 400) {
    throw new OAuthError(
      response.status,
      typeof body.error === 'string' ? body.error : `HTTP ${response.status}`,
      typeof body.error_description === 'string' ? body.error_description : undefined,
    );
  }
  return body;
}

/**
 * RFC 8414 metadata of `server`. §3.3: the `issuer` it states must be the URL it was fetched
 * for; otherwise another server's metadata is being passed off (a mix-up) and nothing is sent.
 */
export async function discover(server: string): Promise<ServerMetadata> {
  const base = server.replace(/\/+$/, '');
  const url = new URL(base);
  const wellKnown = `${url.origin}/.well-known/oauth-authorization-server${url.pathname === '/' ? '' : url.pathname}`;
  const response = await request(wellKnown, { headers: { accept: 'application/json' } }, 'discovery');
  if (response.status !== 200)
    throw new CliError(`${base} is not a Tessera server (discovery answered ${response.status})`);
  const metadata = (await json(response, 'discovery')) as Partial<ServerMetadata>;
  if (metadata.issuer !== base) {
    throw new CliError(
      `the server at ${base} says its issuer is ${JSON.stringify(metadata.issuer)}; use that URL`,
    );
  }
  if (typeof metadata.token_endpoint !== 'string')
    throw new CliError('the server advertises no token endpoint');
  return metadata as ServerMetadata;
}

export async function startDeviceAuthorization(
  metadata: ServerMetadata,
  params: { clientId: string; scope?: string; resource?: string },
): Promise<DeviceAuthorization> {
  if (!metadata.device_authorization_endpoint) {
    throw new CliError(
      `${metadata.issuer} does not offer the device flow (no device_authorization_endpoint)`,
    );
  }
  const body = await post(
    metadata.device_authorization_endpoint,
    { client_id: params.clientId, scope: params.scope, resource: params.resource },
    'device authorization',
  );
  if (
    typeof body.device_code !== 'string' ||
    typeof body.user_code !== 'string' ||
    typeof body.verification_uri !== 'string'
  ) {
    throw new CliError('the device authorization response lacks device_code, user_code or verification_uri');
  }
  return body as unknown as DeviceAuthorization;
}

export interface PollOptions {
  signal?: AbortSignal;
  /** Called before each wait (tests and people see the interval grow on slow_down). */
  onWait?: (seconds: number) => void;
}

/**
 * Polls until the user decides (RFC 8628 §3.4–3.5): waits `interval` seconds (5 if the server
 * gave none) before each request; authorization_pending goes on, slow_down adds 5 s to the
 * interval for this and every later request; anything else ends it.
 */
export async function pollDeviceToken(
  metadata: ServerMetadata,
  clientId: string,
  started: DeviceAuthorization,
  options: PollOptions = {},
): Promise<TokenSet> {
  let interval = Math.max(1, started.interval ?? 5);
  const deadline = Date.now() + started.expires_in * 1000;
  for (;;) {
    options.onWait?.(interval);
    await sleep(interval * 1000, options.signal);
    try {
      return toTokenSet(
        await post(
          metadata.token_endpoint,
          {
            grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
            device_code: started.device_code,
            client_id: clientId,
          },
          'token',
        ),
      );
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      if (err.error === 'authorization_pending' || err.error === 'slow_down') {
        if (err.error === 'slow_down') interval += 5;
        if (Date.now() > deadline)
          throw new CliError('the code expired before it was approved; run tessera login again');
        continue;
      }
      if (err.error === 'access_denied')
        throw new CliError('the sign-in was denied on the verification page');
      if (err.error === 'expired_token')
        throw new CliError('the code expired before it was approved; run tessera login again');
      throw err;
    }
  }
}

export async function refresh(
  tokenEndpoint: string,
  clientId: string,
  refreshToken: string,
): Promise<TokenSet> {
  return toTokenSet(
    await post(
      tokenEndpoint,
      { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId },
      'token',
    ),
  );
}

/** RFC 7009 §2.1; §2.2: 200 whether or not the token was valid. */
export async function revoke(
  revocationEndpoint: string,
  clientId: string,
  token: string,
  hint: string,
): Promise<void> {
  await post(revocationEndpoint, { token, token_type_hint: hint, client_id: clientId }, 'revocation');
}

export async function userInfo(endpoint: string, accessToken: string): Promise<Record<string, unknown>> {
  const response = await request(
    endpoint,
    { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
    'userinfo',
  );
  if (response.status !== 200) {
    throw new CliError(
      `userinfo answered ${response.status} ${response.headers.get('www-authenticate') ?? ''}`.trim(),
    );
  }
  return json(response, 'userinfo');
}

function toTokenSet(body: Record<string, unknown>): TokenSet {
  if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
    throw new CliError('the token response lacks access_token or expires_in');
  }
  return body as unknown as TokenSet;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CliError('interrupted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(new CliError('interrupted'));
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}
