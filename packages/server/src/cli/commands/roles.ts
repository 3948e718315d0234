import type { Role } from '../../core/model.js';
import type { Command, Group } from '../command.js';
import { UsageError } from '../errors.js';
import type { Column, Field } from '../output.js';
import { pageFrom, pageOptions, permissionOptions, permissionsFrom, printPage } from './shared.js';

const roleColumns: Column<Role>[] = [
  { header: 'name', value: (r) => r.name },
  { header: 'permissions', value: (r) => r.permissions },
  { header: 'description', value: (r) => r.description },
  { header: 'id', value: (r) => r.id },
];

const roleFields = (r: Role): Field[] => [
  ['id', r.id],
  ['name', r.name],
  ['description', r.description],
  ['permissions', r.permissions],
  ['version', r.version],
  ['createdAt', r.createdAt],
  ['updatedAt', r.updatedAt],
];

const create: Command = {
  name: 'create',
  summary: 'create a role with a set of resource:action permissions',
  options: {
    name: {
      type: 'string',
      value: 'NAME',
      description: 'unique name: lowercase letters, digits, ".", "_", "-" (required)',
    },
    description: { type: 'string', value: 'TEXT', description: 'what the role is for' },
    ...permissionOptions,
  },
  async run({ args, out, backend }) {
    const name = args.string('name');
    if (!name) throw new UsageError('--name is required');
    const description = args.string('description');
    const role = await (await backend()).createRole({
      name,
      ...(description === undefined ? {} : { description }),
      permissions: permissionsFrom(args) ?? [],
    });
    out.record(roleFields(role), role);
    return 0;
  },
};

const list: Command = {
  name: 'list',
  summary: 'list roles',
  options: pageOptions,
  async run({ args, out, backend }) {
    printPage(out, await (await backend()).listRoles(pageFrom(args)), roleColumns);
    return 0;
  },
};

const show: Command = {
  name: 'show',
  summary: 'show a role',
  args: ['<role>'],
  details: 'A role is named by name or by id.',
  async run({ args, out, backend }) {
    const role = await (await backend()).getRole(args.positionals[0] ?? '');
    out.record(roleFields(role), role);
    return 0;
  },
};

const update: Command = {
  name: 'update',
  summary: "change a role's description or permissions (the name is fixed)",
  args: ['<role>'],
  options: {
    description: { type: 'string', value: 'TEXT', description: 'new description' },
    ...permissionOptions,
    'add-permission': { type: 'list', value: 'RES:ACTION', description: 'add a permission (repeatable)' },
    'remove-permission': {
      type: 'list',
      value: 'RES:ACTION',
      description: 'remove a permission (repeatable)',
    },
  },
  details:
    '--permission/--permissions replace the whole set; --add-permission/--remove-permission edit it.\n' +
    'A change reaches every holder of the role at once, through one event.',
  async run({ args, out, backend }) {
    const b = await backend();
    const ref = args.positionals[0] ?? '';
    let permissions = permissionsFrom(args);
    const add = args.list('add-permission');
    const drop = new Set(args.list('remove-permission'));
    if (add.length > 0 || drop.size > 0) {
      if (permissions !== undefined) throw new UsageError('replace the permission set or edit it, not both');
      const current = (await b.getRole(ref)).permissions;
      permissions = [...current, ...add].filter((p) => !drop.has(p));
    }
    const changes = {
      ...(args.has('description') ? { description: args.string('description') ?? null } : {}),
      ...(permissions === undefined ? {} : { permissions }),
    };
    if (Object.keys(changes).length === 0) {
      throw new UsageError('nothing to change: give --description or permissions');
    }
    const role = await b.updateRole(ref, changes);
    out.record(roleFields(role), role);
    return 0;
  },
};

const remove: Command = {
  name: 'delete',
  summary: 'delete a role and every grant of it',
  args: ['<role>'],
  async run({ args, out, backend }) {
    const b = await backend();
    const role = await b.getRole(args.positionals[0] ?? '');
    await b.deleteRole(role.id);
    out.message(`deleted role ${role.name} (${role.id})`, {
      deleted: { type: 'role', id: role.id, name: role.name },
    });
    return 0;
  },
};

export const roles: Group = {
  name: 'role',
  summary: 'roles and their permissions: create, list, show, update, delete',
  commands: [create, list, show, update, remove],
};
