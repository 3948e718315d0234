/**
 * `tessera login`: a person's own sign-in from a terminal, through the device flow (RFC 8628;
 * docs/cli.md). Talks HTTP to the server named by --url (or TESSERA_URL) and never touches a
 * local store.
 */
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { CredentialStore, serverKey } from '../login/credentials.js';
import { discover, pollDeviceToken, startDeviceAuthorization } from '../login/oauth.js';
import { loginFromTokens, unverifiedClaims } from '../login/session.js';
import { clean } from '../output.js';

/** The first-party public client every server bootstraps (core/oauth/device/cli-client.ts). */
export const DEFAULT_CLIENT_ID = 'tessera-cli';
const DEFAULT_SCOPE = 'openid profile email';

export const login: Command = {
  name: 'login',
  summary:
    'sign in to a Tessera server from this terminal (device flow); keeps the tokens for `tessera token`',
  options: {
    'client-id': {
      type: 'string',
      value: 'ID',
      description: `the public client to sign in with (default ${DEFAULT_CLIENT_ID}, or env TESSERA_LOGIN_CLIENT_ID)`,
    },
    audience: {
      type: 'string',
      value: 'URI',
      description: "the API the token is for (RFC 8707 resource); default: the client's default audience",
    },
    resource: { type: 'string', value: 'URI', description: 'the same as --audience (the RFC 8707 name)' },
    scope: {
      type: 'string',
      value: 'SCOPE',
      description: `space-separated scopes: permissions to narrow the token to, and OpenID scopes (default "${DEFAULT_SCOPE}")`,
    },
  },
  details:
    '--url URL (or TESSERA_URL) is the Tessera server to sign in to; no admin token is needed.\n' +
    'Prints a code and a link; open the link in any browser, sign in and approve. Nothing is opened\n' +
    'for you. The tokens are stored in $XDG_CONFIG_HOME/tessera/credentials.json (or\n' +
    '~/.config/tessera/credentials.json), mode 0600, and refreshed silently by `tessera token`.',
  async run({ args, io, out, url }) {
    if (url === undefined) throw new UsageError('--url (or TESSERA_URL) names the server to sign in to');
    const server = serverKey(url);
    const parsed = new URL(server);
    if (parsed.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname)) {
      out.note(`warning: ${parsed.origin} is plain http: your tokens would cross the network in clear`);
    }
    const clientId = args.string('client-id') ?? (io.env.TESSERA_LOGIN_CLIENT_ID || DEFAULT_CLIENT_ID);
    const audience = args.string('audience');
    const named = args.string('resource');
    if (audience !== undefined && named !== undefined && audience !== named) {
      throw new UsageError('--audience and --resource name different APIs; give one');
    }
    const resource = audience ?? named;
    const scope = args.string('scope') ?? DEFAULT_SCOPE;
    const metadata = await discover(server);
    const started = await startDeviceAuthorization(metadata, {
      clientId,
      scope,
      ...(resource ? { resource } : {}),
    });
    const minutes = Math.max(1, Math.round(started.expires_in / 60));
    // The server's words reach a terminal: control characters are neutralized. With --json the
    // instructions go to stderr, so that stdout holds only the JSON result.
    const instructions = clean(
      [
        `To sign in, open ${started.verification_uri}`,
        `and enter the code ${started.user_code}`,
        ...(started.verification_uri_complete ? [`(or open ${started.verification_uri_complete})`] : []),
        `The code expires in ${minutes} minute${minutes === 1 ? '' : 's'}. Waiting for approval...`,
      ].join('\n'),
    );
    if (out.json) io.stderr(`${instructions}\n`);
    else out.raw(instructions);
    const tokens = await pollDeviceToken(metadata, clientId, started, io.signal ? { signal: io.signal } : {});
    const endpoints = {
      token: metadata.token_endpoint,
      ...(metadata.revocation_endpoint ? { revocation: metadata.revocation_endpoint } : {}),
      ...(metadata.userinfo_endpoint ? { userinfo: metadata.userinfo_endpoint } : {}),
    };
    const stored = loginFromTokens(server, clientId, endpoints, tokens, undefined, resource);
    const store = new CredentialStore(io.env);
    await store.update(async (file) => ({
      file: { ...file, current: server, servers: { ...file.servers, [server]: stored } },
      result: undefined,
    }));
    const claims = unverifiedClaims(stored.accessToken);
    const who = unverifiedClaims(stored.idToken ?? '').preferred_username ?? claims.sub;
    out.message(
      `Signed in to ${server}${who ? ` as ${String(who)}` : ''}${claims.aud ? ` (token for ${String(claims.aud)})` : ''}.` +
        `${stored.refreshToken ? '' : ' No refresh token: run tessera login again when the token expires.'}`,
      {
        server,
        clientId,
        audience: claims.aud,
        refreshToken: stored.refreshToken !== undefined,
        credentials: store.path,
      },
    );
    return 0;
  },
};
