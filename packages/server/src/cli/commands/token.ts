import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { KEY_ALGORITHMS } from '../../core/model.js';
import type { Command, CommandContext, Group } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { CredentialStore } from '../login/credentials.js';
import { chosenServer, freshLogin } from '../login/session.js';
import { type Field, formatRecord } from '../output.js';
import { resolveUser } from './shared.js';

/** The token argument, or standard input for `-` (keeps tokens out of shell history and `ps`). */
async function tokenArgument({ args, io }: CommandContext): Promise<string> {
  const value = args.positionals[0] ?? '';
  if (value !== '-') return value.trim();
  if (!io.stdin) throw new UsageError('cannot read the token from standard input here');
  return (await io.stdin()).trim();
}

/** Header and claims, or a CliError saying why the text is no JWT. */
function decodeUnverified(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  try {
    const claims = decodeJwt(token);
    return { header: decodeProtectedHeader(token), claims };
  } catch (err) {
    if (err instanceof errors.JOSEError) throw err;
    throw new CliError(`not a JWT: ${(err as Error).message}`);
  }
}

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

/** Seconds to `1h 5m`, `42s`. */
function span(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const parts = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor((s % 86_400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ] as const;
  return (
    parts
      .filter(([n]) => n > 0)
      .slice(0, 2)
      .map(([n, u]) => `${n}${u}`)
      .join(' ') || '0s'
  );
}

/** A NumericDate (RFC 7519 §2) with its date and how far it is from now. */
function numericDate(value: unknown, now: number): unknown {
  if (typeof value !== 'number') return value;
  const delta = value - now / 1000;
  const when = delta >= 0 ? `in ${span(delta)}` : `${span(delta)} ago`;
  return `${value} (${new Date(value * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}, ${when})`;
}

function section(title: string, values: Record<string, unknown>, now: number): string {
  const fields: Field[] = Object.entries(values).map(([k, v]) => [
    k,
    TIME_CLAIMS.has(k) ? numericDate(v, now) : v,
  ]);
  const body = formatRecord(fields)
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
  return `${title}:\n${body}`;
}

const issue: Command = {
  name: 'issue',
  summary: 'get an access token: for a client (client_credentials), or for a user (--user, admin)',
  options: {
    user: {
      type: 'string',
      value: 'USER',
      description: 'mint a token for this user (id or userName) and --resource; audited',
    },
    'client-id': { type: 'string', value: 'ID', description: 'client_id (or env TESSERA_CLIENT_ID)' },
    'client-secret': {
      type: 'string',
      value: 'SECRET',
      description: 'client secret (better: env TESSERA_CLIENT_SECRET, out of shell history)',
    },
    resource: {
      type: 'string',
      value: 'URI',
      description: "the API's audience URI (RFC 8707); default: the client's",
    },
    scope: {
      type: 'string',
      value: 'SCOPE',
      description: 'space-separated permissions to narrow the token to',
    },
  },
  details:
    "With --url the token comes from that server's /oauth2/token; without, it is issued from the\n" +
    'local store by the same token service. Prints the token alone (use --json for the response).\n' +
    'With --user, an administrator mints a token for that user and the application --resource.',
  async run({ args, io, out, backend }) {
    const userRef = args.string('user');
    if (userRef !== undefined) {
      const resource = args.string('resource');
      if (!resource) throw new UsageError('--user needs --resource (the application audience)');
      const b = await backend();
      const response = await b.issueUserToken(await resolveUser(b, userRef), resource);
      if (out.json) out.data(response);
      else out.raw(response.access_token);
      return 0;
    }
    const clientId = args.string('client-id') ?? io.env.TESSERA_CLIENT_ID;
    const clientSecret = args.string('client-secret') ?? io.env.TESSERA_CLIENT_SECRET;
    if (!clientId || !clientSecret) throw new UsageError('--client-id and --client-secret are required');
    const resource = args.string('resource');
    const scope = args.string('scope');
    const response = await (await backend()).issueToken({
      clientId,
      clientSecret,
      ...(resource === undefined ? {} : { resource }),
      ...(scope === undefined ? {} : { scope }),
    });
    if (out.json) {
      out.data(response);
      return 0;
    }
    out.raw(response.access_token);
    const aud = (() => {
      try {
        return decodeJwt(response.access_token).aud;
      } catch {
        return undefined;
      }
    })();
    out.note(
      `${response.token_type} token${aud ? ` for ${String(aud)}` : ''}, expires in ${span(response.expires_in)}` +
        (response.scope ? `, scope: ${response.scope}` : ''),
    );
    return 0;
  },
};

const decode: Command = {
  name: 'decode',
  summary: "show a JWT's header and claims WITHOUT verifying it",
  args: ['<token>'],
  details: 'Pass - to read the token from standard input. Use `tessera token verify` to check it.',
  async run(ctx) {
    const { header, claims } = decodeUnverified(await tokenArgument(ctx));
    const warning =
      'UNVERIFIED: the signature, issuer, audience and expiry were NOT checked; do not trust these claims.';
    if (ctx.out.json) {
      ctx.out.data({ verified: false, warning, header, claims });
      return 0;
    }
    const now = Date.now();
    ctx.out.raw(`${warning}\n${section('header', header, now)}${section('claims', claims, now)}`);
    return 0;
  },
};

const verify: Command = {
  name: 'verify',
  summary: "verify a token's signature and times against the JWKS",
  args: ['<token>'],
  options: {
    audience: { type: 'string', value: 'URI', description: 'also require this `aud`' },
    issuer: { type: 'string', value: 'URL', description: 'also require this `iss`' },
  },
  details:
    "Checks the signature with the local key ring's JWKS, or with --url that server's\n" +
    '/.well-known/jwks.json, and that the token is within exp/nbf. Exits 1 when it fails.\n' +
    'Pass - to read the token from standard input.',
  async run(ctx) {
    const { args, out } = ctx;
    const token = await tokenArgument(ctx);
    const b = await ctx.backend();
    const jwks = createLocalJWKSet((await b.jwks()) as Parameters<typeof createLocalJWKSet>[0]);
    const audience = args.string('audience');
    const issuer = args.string('issuer');
    try {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        algorithms: [...KEY_ALGORITHMS],
        ...(audience === undefined ? {} : { audience }),
        ...(issuer === undefined ? {} : { issuer }),
      });
      if (out.json) {
        out.data({ valid: true, header: protectedHeader, claims: payload });
        return 0;
      }
      const now = Date.now();
      out.raw(
        `VALID: signature verified with key ${protectedHeader.kid ?? '(no kid)'} from the JWKS of the ${b.target}.\n` +
          `${section('header', protectedHeader, now)}${section('claims', payload, now)}`,
      );
      return 0;
    } catch (err) {
      if (!(err instanceof errors.JOSEError)) throw err;
      out.data({ valid: false, error: { code: err.code, message: err.message } });
      out.note(`error: token is NOT valid: ${err.message} (${err.code})`);
      return 1;
    }
  },
};

const revoke: Command = {
  name: 'revoke',
  summary: 'revoke one access token by its jti, on every verifier',
  options: {
    jti: { type: 'string', value: 'JTI', description: "the token's jti claim (required)" },
    exp: {
      type: 'string',
      value: 'SECONDS',
      description: "the token's exp claim, if known (verifiers forget it then)",
    },
  },
  async run({ args, out, backend }) {
    const jti = args.string('jti');
    if (!jti) throw new UsageError('--jti is required');
    const rawExp = args.string('exp');
    if (rawExp !== undefined && !/^\d{1,12}$/.test(rawExp))
      throw new UsageError('--exp must be seconds since the epoch');
    const result = await (await backend()).revokeToken(
      jti,
      rawExp === undefined ? undefined : Number(rawExp),
    );
    out.record(
      [
        ['jti', result.jti],
        ['remembered until', result.expiresAt.toISOString()],
      ],
      { jti: result.jti, expiresAt: result.expiresAt.toISOString() },
    );
    return 0;
  },
};

/**
 * `tessera token` alone: the access token of your own `tessera login` sign-in, fresh, for
 * scripts (`curl -H "Authorization: Bearer $(tessera token)"`). With --client-id and a client
 * secret it is `tessera token issue` (client_credentials), as before.
 */
const current: Command = {
  name: 'token',
  summary: 'print a fresh access token of your `tessera login` sign-in (stdout: the token only)',
  options: issue.options ?? {},
  details:
    'Refreshes first when the token expires within 60 s, and stores the rotated refresh token.\n' +
    'The server is --url (or TESSERA_URL), else the one signed in to last. Errors go to stderr\n' +
    'with exit code 1, so `$(tessera token)` never hands a script an error message as a token.\n' +
    'Given --client-id and a client secret (--client-secret or env TESSERA_CLIENT_SECRET) it gets\n' +
    'a client_credentials token instead, as `tessera token issue` does.',
  async run(ctx) {
    const { args, io, out, url } = ctx;
    const secret = args.string('client-secret') ?? io.env.TESSERA_CLIENT_SECRET;
    if (args.has('user') || args.has('client-secret') || (args.has('client-id') && secret))
      return issue.run(ctx);
    const store = new CredentialStore(io.env);
    const server = await chosenServer(store, url);
    const { login } = await freshLogin(store, server, 60_000);
    if (out.json) {
      out.data({
        access_token: login.accessToken,
        token_type: 'Bearer',
        expires_at: new Date(login.expiresAt).toISOString(),
        server,
      });
    } else out.raw(login.accessToken);
    return 0;
  },
};

export const token: Group = {
  name: 'token',
  summary: 'access tokens: your own (tessera token), issue, decode, verify, revoke',
  commands: [issue, decode, verify, revoke],
  default: current,
};
