import { readFileSync } from 'node:fs';
import type { ClientSettingsInput } from '../../core/clients/settings.js';
import {
  CLIENT_AUTH_METHODS,
  CLIENT_TYPES,
  type ClientAuthMethod,
  type ClientType,
  GRANT_TYPES,
  type GrantType,
  type PublicJwks,
} from '../../core/model.js';
import type { Args, OptionSpecs } from '../args.js';
import { switchPair } from '../args.js';
import type { ClientChanges, ClientCreated, ClientView } from '../backend.js';
import type { Command, Group } from '../command.js';
import { UsageError } from '../errors.js';
import type { Column, Field, Output } from '../output.js';
import { pageFrom, pageOptions, printPage } from './shared.js';

const clientColumns: Column<ClientView>[] = [
  { header: 'client id', value: (c) => c.clientId },
  { header: 'name', value: (c) => c.name },
  { header: 'enabled', value: (c) => c.enabled },
  { header: 'default audience', value: (c) => c.defaultAudience },
  { header: 'id', value: (c) => c.id },
];

const clientFields = (c: ClientView): Field[] => [
  ['id', c.id],
  ['client_id', c.clientId],
  ['name', c.name],
  ['enabled', c.enabled],
  ['grantTypes', c.grantTypes],
  ['defaultAudience', c.defaultAudience],
  ['type', c.type],
  ['authMethod', c.tokenEndpointAuthMethod],
  ['redirectUris', c.redirectUris],
  ['postLogoutRedirectUris', c.postLogoutRedirectUris],
  ['firstParty', c.firstParty],
  ['jwks', c.jwks === null ? null : c.jwks.keys.map((k) => String(k.kid ?? k.kty))],
  ['version', c.version],
  ['createdAt', c.createdAt],
  ['updatedAt', c.updatedAt],
];

/**
 * The one place a secret is ever printed: right after it was made. `client_secret:` is also
 * what `tessera serve` prints for the bootstrap client, so scripts read both alike.
 */
function printWithSecret(out: Output, { client, clientSecret }: ClientCreated, extra: Field[] = []): void {
  if (clientSecret === null) {
    out.record([...clientFields(client), ...extra], { ...client, clientSecret });
    return;
  }
  out.record([...clientFields(client), ...extra, ['client_secret', clientSecret]], {
    ...client,
    clientSecret,
  });
  out.note('The client secret is shown only this once: store it now.');
}

function grantTypesFrom(args: Args): GrantType[] | undefined {
  if (!args.has('grant-type')) return undefined;
  const values = args.list('grant-type');
  const unknown = values.filter((v) => !GRANT_TYPES.includes(v as GrantType));
  if (unknown.length > 0) throw new UsageError(`--grant-type must be one of: ${GRANT_TYPES.join(', ')}`);
  return values as GrantType[];
}

/** The OAuth settings options, shared by create and update (docs/cli.md, docs/oauth.md). */
const settingOptions: OptionSpecs = {
  type: {
    type: 'string',
    value: 'TYPE',
    description: `${CLIENT_TYPES.join(' or ')} (public: SPAs and CLIs, PKCE, no secret)`,
  },
  'auth-method': {
    type: 'string',
    value: 'METHOD',
    description: `token endpoint authentication: ${CLIENT_AUTH_METHODS.join(', ')}`,
  },
  'redirect-uri': {
    type: 'list',
    value: 'URI',
    description: 'exact-match redirect URI for the authorization code flow (repeatable; "" clears on update)',
  },
  'post-logout-redirect-uri': {
    type: 'list',
    value: 'URI',
    description: 'where end_session may send the browser afterwards (repeatable; "" clears on update)',
  },
  'jwks-file': {
    type: 'string',
    value: 'PATH',
    description: 'JSON file with the public keys (a JWK Set) for private_key_jwt ("" removes them on update)',
  },
};

/** The settings the command line names; absent options leave a setting as it is. */
function settingsFrom(args: Args, firstParty: boolean | undefined): ClientSettingsInput {
  const type = args.string('type');
  if (type !== undefined && !CLIENT_TYPES.includes(type as ClientType)) {
    throw new UsageError(`--type must be one of: ${CLIENT_TYPES.join(', ')}`);
  }
  const method = args.string('auth-method');
  if (method !== undefined && !CLIENT_AUTH_METHODS.includes(method as ClientAuthMethod)) {
    throw new UsageError(`--auth-method must be one of: ${CLIENT_AUTH_METHODS.join(', ')}`);
  }
  const uris = (name: string) => args.list(name).filter((uri) => uri !== '');
  return {
    ...(type === undefined ? {} : { type: type as ClientType }),
    ...(method === undefined ? {} : { tokenEndpointAuthMethod: method as ClientAuthMethod }),
    ...(args.has('redirect-uri') ? { redirectUris: uris('redirect-uri') } : {}),
    ...(args.has('post-logout-redirect-uri')
      ? { postLogoutRedirectUris: uris('post-logout-redirect-uri') }
      : {}),
    ...(firstParty === undefined ? {} : { firstParty }),
    ...(args.has('jwks-file') ? { jwks: readJwks(args.string('jwks-file') ?? '') } : {}),
  };
}

function readJwks(path: string): PublicJwks | null {
  if (path === '') return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--jwks-file: cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`--jwks-file: ${path} is not JSON`);
  }
  // A single JWK is accepted as a set of one.
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'kty' in parsed) {
    return { keys: [parsed as Record<string, unknown>] };
  }
  return parsed as PublicJwks;
}

const create: Command = {
  name: 'create',
  summary: 'create a client; prints its secret once (public and private_key_jwt clients have none)',
  options: {
    name: { type: 'string', value: 'NAME', description: 'display name (required, except with --admin)' },
    audience: {
      type: 'string',
      value: 'URI',
      description: 'default audience when a token request names no resource',
    },
    role: { type: 'list', value: 'ROLE', description: 'grant this role at creation (repeatable)' },
    'grant-type': {
      type: 'list',
      value: 'TYPE',
      description: `allowed grant type (default ${GRANT_TYPES.join(', ')})`,
    },
    disabled: { type: 'boolean', description: 'create it disabled' },
    ...settingOptions,
    'first-party': { type: 'boolean', description: 'a first-party application: skips the consent page' },
    admin: {
      type: 'boolean',
      description: 'an admin client for the admin API (the recovery path; see below)',
    },
  },
  details:
    '--admin creates a client holding the tessera-admin role for audience urn:tessera:admin. Run\n' +
    'locally (without --url) it needs only access to the store: the way back in when every admin\n' +
    'credential is lost.\n\n' +
    'A web application signing users in (authorization code + PKCE):\n' +
    '  tessera client create --name "Web app" --grant-type authorization_code --grant-type refresh_token \\\n' +
    '    --redirect-uri https://app.example.com/callback --audience https://api.example.com\n' +
    'A single-page app or CLI: add --type public (no secret). private_key_jwt:\n' +
    '  --auth-method private_key_jwt --jwks-file client-keys.json',
  async run({ args, out, backend }) {
    if (args.flag('admin')) {
      const conflicting = [
        'audience',
        'role',
        'grant-type',
        'disabled',
        'first-party',
        ...Object.keys(settingOptions),
      ].filter((o) => args.has(o));
      if (conflicting.length > 0) {
        throw new UsageError(
          `--admin decides the client's settings itself; drop --${conflicting.join(', --')}`,
        );
      }
      const b = await backend();
      const result = await b.createAdminClient(args.string('name') || 'cli admin');
      printWithSecret(out, result, [['roles', ['tessera-admin']]]);
      return 0;
    }
    const name = args.string('name');
    if (!name) throw new UsageError('--name is required');
    const grantTypes = grantTypesFrom(args);
    const audience = args.string('audience');
    const roles = args.list('role');
    const result = await (await backend()).createClient({
      name,
      ...(grantTypes === undefined ? {} : { grantTypes }),
      ...(audience ? { defaultAudience: audience } : {}),
      ...(args.flag('disabled') ? { enabled: false } : {}),
      ...settingsFrom(args, args.flag('first-party') ? true : undefined),
      roles,
    });
    printWithSecret(out, result, [['roles', roles]]);
    return 0;
  },
};

const list: Command = {
  name: 'list',
  summary: 'list clients',
  options: pageOptions,
  async run({ args, out, backend }) {
    printPage(out, await (await backend()).listClients(pageFrom(args)), clientColumns);
    return 0;
  },
};

const show: Command = {
  name: 'show',
  summary: 'show a client and its roles',
  args: ['<client>'],
  details: 'A client is named by its client_id or its id. Its secret cannot be shown: only rotated.',
  async run({ args, out, backend }) {
    const b = await backend();
    const ref = args.positionals[0] ?? '';
    const [client, roles] = await Promise.all([b.getClient(ref), b.listClientRoles(ref)]);
    const roleNames = roles.map((r) => r.name);
    out.record([...clientFields(client), ['roles', roleNames]], { ...client, roles: roleNames });
    return 0;
  },
};

const update: Command = {
  name: 'update',
  summary: 'change a client; --disable stops its token requests at once',
  args: ['<client>'],
  options: {
    name: { type: 'string', value: 'NAME', description: 'new display name' },
    audience: { type: 'string', value: 'URI', description: 'new default audience ("" clears it)' },
    'grant-type': { type: 'list', value: 'TYPE', description: 'allowed grant types (replaces the list)' },
    enable: { type: 'boolean', description: 'enable the client' },
    disable: { type: 'boolean', description: 'disable the client' },
    ...settingOptions,
    'first-party': { type: 'boolean', description: 'skip the consent page from now on' },
    'third-party': { type: 'boolean', description: 'show the consent page from now on' },
  },
  async run({ args, out, backend }) {
    const grantTypes = grantTypesFrom(args);
    const enabled = switchPair(args, 'enable', 'disable');
    const changes: ClientChanges = {
      ...settingsFrom(args, switchPair(args, 'first-party', 'third-party')),
      ...(args.has('name') ? { name: args.string('name') ?? '' } : {}),
      ...(args.has('audience') ? { defaultAudience: args.string('audience') || null } : {}),
      ...(grantTypes === undefined ? {} : { grantTypes }),
      ...(enabled === undefined ? {} : { enabled }),
    };
    if (Object.keys(changes).length === 0) {
      throw new UsageError('nothing to change: give at least one option');
    }
    const client = await (await backend()).updateClient(args.positionals[0] ?? '', changes);
    out.record(clientFields(client), client);
    return 0;
  },
};

const rotateSecret: Command = {
  name: 'rotate-secret',
  summary: 'issue a new secret; the old one stops working at once',
  args: ['<client>'],
  async run({ args, out, backend }) {
    printWithSecret(out, await (await backend()).rotateClientSecret(args.positionals[0] ?? ''));
    return 0;
  },
};

const remove: Command = {
  name: 'delete',
  summary: 'delete a client and its grants',
  args: ['<client>'],
  async run({ args, out, backend }) {
    const b = await backend();
    const client = await b.getClient(args.positionals[0] ?? '');
    await b.deleteClient(client.id);
    out.message(`deleted client ${client.clientId} (${client.name})`, {
      deleted: { type: 'client', id: client.id, clientId: client.clientId },
    });
    return 0;
  },
};

export const clients: Group = {
  name: 'client',
  summary: 'OAuth clients: create (--admin), list, show, update, rotate-secret, delete',
  commands: [create, list, show, update, rotateSecret, remove],
};
