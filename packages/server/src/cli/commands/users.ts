import type { Email, User } from '../../core/model.js';
import type { UserInput } from '../../core/users/user.js';
import { type Args, type OptionSpecs, switchPair } from '../args.js';
import type { Command, Group } from '../command.js';
import { UsageError } from '../errors.js';
import type { Column, Field } from '../output.js';
import { invite, resetPassword } from './invitations.js';
import { pageFrom, pageOptions, printPage, resolveUser } from './shared.js';

const attributeOptions: OptionSpecs = {
  'display-name': { type: 'string', value: 'TEXT', description: 'name to show' },
  'given-name': { type: 'string', value: 'TEXT', description: 'given (first) name' },
  'family-name': { type: 'string', value: 'TEXT', description: 'family (last) name' },
  email: { type: 'list', value: 'ADDRESS', description: 'email address (repeatable; the first is primary)' },
  'external-id': { type: 'string', value: 'ID', description: "the user's id in the system it comes from" },
};

const primaryEmail = (user: User): string | undefined =>
  (user.emails.find((e) => e.primary) ?? user.emails[0])?.value;

export const userColumns: Column<User>[] = [
  { header: 'id', value: (u) => u.id },
  { header: 'userName', value: (u) => u.userName },
  { header: 'display name', value: (u) => u.displayName },
  { header: 'email', value: primaryEmail },
  { header: 'active', value: (u) => u.active },
];

export const userFields = (u: User): Field[] => [
  ['id', u.id],
  ['userName', u.userName],
  ['displayName', u.displayName],
  ['name', [u.name.givenName, u.name.familyName].filter(Boolean).join(' ') || u.name.formatted],
  ['emails', u.emails.map((e) => e.value)],
  ['externalId', u.externalId],
  ['active', u.active],
  ['version', u.version],
  ['createdAt', u.createdAt],
  ['updatedAt', u.updatedAt],
];

const emailsFrom = (values: string[]): Email[] =>
  values.map((value, i) => (i === 0 ? { value, primary: true } : { value }));

/** The attributes the command line sets; `base` supplies the other half of a partly changed name. */
function attributes(args: Args, base?: User): Partial<UserInput> {
  const input: Partial<UserInput> = {};
  const userName = args.string('user-name');
  if (userName !== undefined) input.userName = userName;
  if (args.has('display-name')) input.displayName = args.string('display-name') ?? null;
  if (args.has('external-id')) input.externalId = args.string('external-id') ?? null;
  if (args.has('given-name') || args.has('family-name')) {
    const name = { ...(base?.name ?? {}) };
    for (const [flag, key] of [
      ['given-name', 'givenName'],
      ['family-name', 'familyName'],
    ] as const) {
      const value = args.string(flag);
      if (value === undefined) continue;
      if (value === '') delete name[key];
      else name[key] = value;
    }
    input.name = name;
  }
  if (args.has('email')) input.emails = emailsFrom(args.list('email').filter((e) => e !== ''));
  return input;
}

const create: Command = {
  name: 'create',
  summary: 'create a user',
  options: {
    'user-name': { type: 'string', value: 'NAME', description: 'unique login name (required)' },
    ...attributeOptions,
    inactive: { type: 'boolean', description: 'create the user disabled' },
  },
  async run({ args, out, backend }) {
    const userName = args.string('user-name');
    if (!userName) throw new UsageError('--user-name is required');
    const input: UserInput = { ...attributes(args), userName, active: !args.flag('inactive') };
    const user = await (await backend()).createUser(input);
    out.record(userFields(user), user);
    return 0;
  },
};

const list: Command = {
  name: 'list',
  summary: 'list users',
  options: {
    ...pageOptions,
    'user-name': { type: 'string', value: 'NAME', description: 'only this userName (case-insensitive)' },
    email: { type: 'string', value: 'ADDRESS', description: 'only users with this email (case-insensitive)' },
    'external-id': { type: 'string', value: 'ID', description: 'only this externalId' },
    active: { type: 'boolean', description: 'only active users' },
    inactive: { type: 'boolean', description: 'only disabled users' },
  },
  async run({ args, out, backend }) {
    const active = switchPair(args, 'active', 'inactive');
    const filter = {
      ...(args.has('user-name') ? { userName: args.string('user-name') } : {}),
      ...(args.has('email') ? { email: args.string('email') } : {}),
      ...(args.has('external-id') ? { externalId: args.string('external-id') } : {}),
      ...(active === undefined ? {} : { active }),
    };
    printPage(out, await (await backend()).listUsers({ ...pageFrom(args), filter }), userColumns);
    return 0;
  },
};

const show: Command = {
  name: 'show',
  summary: 'show a user',
  args: ['<user>'],
  details: 'A user is named by id or by userName.',
  async run({ args, out, backend }) {
    const b = await backend();
    const user = await b.getUser(await resolveUser(b, args.positionals[0] ?? ''));
    out.record(userFields(user), user);
    return 0;
  },
};

const update: Command = {
  name: 'update',
  summary: "change a user's attributes",
  args: ['<user>'],
  options: {
    'user-name': { type: 'string', value: 'NAME', description: 'new userName' },
    ...attributeOptions,
    active: { type: 'boolean', description: 'enable the user' },
    inactive: { type: 'boolean', description: 'disable the user (tokens already issued stop verifying)' },
  },
  details: 'An empty value clears an attribute: --display-name "". --email replaces every address.',
  async run({ args, out, backend }) {
    const b = await backend();
    const id = await resolveUser(b, args.positionals[0] ?? '');
    const needsBase = args.has('given-name') || args.has('family-name');
    const changes = attributes(args, needsBase ? await b.getUser(id) : undefined);
    const active = switchPair(args, 'active', 'inactive');
    if (active !== undefined) changes.active = active;
    if (Object.keys(changes).length === 0) {
      throw new UsageError('nothing to change: give at least one option');
    }
    const user = await b.updateUser(id, changes);
    out.record(userFields(user), user);
    return 0;
  },
};

const remove: Command = {
  name: 'delete',
  summary: 'delete a user, their memberships and grants',
  args: ['<user>'],
  async run({ args, out, backend }) {
    const b = await backend();
    const ref = args.positionals[0] ?? '';
    const id = await resolveUser(b, ref);
    await b.deleteUser(id);
    out.message(`deleted user ${ref === id ? id : `${ref} (${id})`}`, { deleted: { type: 'user', id } });
    return 0;
  },
};

const access: Command = {
  name: 'access',
  summary: 'effective roles and permissions, direct and through groups',
  args: ['<user>'],
  async run({ args, out, backend }) {
    const b = await backend();
    const id = await resolveUser(b, args.positionals[0] ?? '');
    const result = await b.userAccess(id);
    out.record(
      [
        ['user', id],
        ['roles', result.roles],
        ['direct roles', result.directRoles],
        ['groups', result.groups],
        ['permissions', result.permissions],
        ['aver', result.aver],
      ],
      { userId: id, ...result },
    );
    return 0;
  },
};

const revokeTokens: Command = {
  name: 'revoke-tokens',
  summary: "revoke the user's tokens issued before now (or --before), on every verifier",
  args: ['<user>'],
  options: {
    before: { type: 'string', value: 'TIME', description: 'ISO 8601 instant in the past (default: now)' },
  },
  async run({ args, out, backend }) {
    const b = await backend();
    const id = await resolveUser(b, args.positionals[0] ?? '');
    const raw = args.string('before');
    const before = raw === undefined ? undefined : new Date(raw);
    if (before && Number.isNaN(before.getTime()))
      throw new UsageError('--before must be an ISO 8601 date-time');
    const result = await b.revokeUserTokens(id, before);
    out.record(
      [
        ['user', result.userId],
        ['revoked before', result.before.toISOString()],
      ],
      { userId: result.userId, before: result.before.toISOString() },
    );
    return 0;
  },
};

export const users: Group = {
  name: 'user',
  summary: 'users: create, list, show, update, delete, access, revoke-tokens, invite, reset-password',
  commands: [create, list, show, update, remove, access, revokeTokens, invite, resetPassword],
};
