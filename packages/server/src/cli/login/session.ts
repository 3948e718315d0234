/**
 * The stored sign-in of one server, kept fresh: what `tessera token` and `tessera whoami` read.
 * An access token that expires within `minValidityMs` is refreshed first (under the credentials
 * lock, re-reading the file so a refresh another run just did is used, not repeated), and the
 * rotated refresh token is saved with it.
 */
import { decodeJwt } from 'jose';
import { CliError } from '../errors.js';
import { type CredentialStore, type StoredLogin, serverKey } from './credentials.js';
import { OAuthError, refresh, type TokenSet } from './oauth.js';

/** The server a command means: the one named (--url or TESSERA_URL), else the last signed in to. */
export async function chosenServer(store: CredentialStore, url: string | undefined): Promise<string> {
  if (url !== undefined) return serverKey(url);
  const file = await store.read();
  if (file.current === undefined) throw new CliError('not signed in: run tessera login --url URL');
  return file.current;
}

export function loginFromTokens(
  server: string,
  clientId: string,
  endpoints: StoredLogin['endpoints'],
  tokens: TokenSet,
  previous?: StoredLogin,
  resource?: string,
): StoredLogin {
  const now = Date.now();
  const refreshToken = tokens.refresh_token ?? previous?.refreshToken;
  const idToken = tokens.id_token ?? previous?.idToken;
  const scope = tokens.scope ?? previous?.scope;
  const kept = resource ?? previous?.resource;
  return {
    server,
    clientId,
    accessToken: tokens.access_token,
    expiresAt: now + tokens.expires_in * 1000,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    ...(idToken === undefined ? {} : { idToken }),
    ...(scope === undefined ? {} : { scope }),
    ...(kept === undefined ? {} : { resource: kept }),
    endpoints,
    savedAt: now,
  };
}

/** The stored sign-in of `server` with an access token valid for at least `minValidityMs`. */
export async function freshLogin(
  store: CredentialStore,
  server: string,
  minValidityMs = 60_000,
): Promise<{ login: StoredLogin; refreshed: boolean }> {
  const current = (await store.read()).servers[server];
  if (!current) throw notSignedIn(server);
  if (current.expiresAt - Date.now() > minValidityMs) return { login: current, refreshed: false };
  return store.update<{ login: StoredLogin; refreshed: boolean }>(async (file) => {
    const login = file.servers[server];
    if (!login) throw notSignedIn(server);
    if (login.expiresAt - Date.now() > minValidityMs) return { result: { login, refreshed: false } };
    if (!login.refreshToken) {
      throw new CliError(
        `the access token for ${server} has expired and there is no refresh token: run tessera login --url ${server}`,
      );
    }
    let tokens: TokenSet;
    try {
      tokens = await refresh(login.endpoints.token, login.clientId, login.refreshToken);
    } catch (err) {
      if (err instanceof OAuthError && (err.error === 'invalid_grant' || err.error === 'invalid_client')) {
        throw new CliError(
          `the sign-in to ${server} has expired or was revoked (${err.error}): run tessera login --url ${server}`,
        );
      }
      throw err;
    }
    const next = loginFromTokens(server, login.clientId, login.endpoints, tokens, login);
    return {
      file: { ...file, servers: { ...file.servers, [server]: next } },
      result: { login: next, refreshed: true },
    };
  });
}

const notSignedIn = (server: string): CliError =>
  new CliError(`not signed in to ${server}: run tessera login --url ${server}`);

/** A JWT's claims without any check (for display only); {} when it is not one. */
export function unverifiedClaims(token: string): Record<string, unknown> {
  try {
    return decodeJwt(token);
  } catch {
    return {};
  }
}
