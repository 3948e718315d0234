import type { Group as TesseraGroup } from '../../core/model.js';
import type { Command, Group } from '../command.js';
import { UsageError } from '../errors.js';
import type { Column, Field } from '../output.js';
import { pageFrom, pageOptions, printPage, resolveGroup, resolveUser } from './shared.js';

const groupColumns: Column<TesseraGroup>[] = [
  { header: 'id', value: (g) => g.id },
  { header: 'display name', value: (g) => g.displayName },
  { header: 'external id', value: (g) => g.externalId },
];

const groupFields = (g: TesseraGroup): Field[] => [
  ['id', g.id],
  ['displayName', g.displayName],
  ['externalId', g.externalId],
  ['version', g.version],
  ['createdAt', g.createdAt],
  ['updatedAt', g.updatedAt],
];

/** Members `group show` lists before pointing at paging. */
const SHOWN_MEMBERS = 100;

const create: Command = {
  name: 'create',
  summary: 'create a group',
  options: {
    'display-name': { type: 'string', value: 'NAME', description: 'unique group name (required)' },
    'external-id': { type: 'string', value: 'ID', description: "the group's id in the system it comes from" },
  },
  async run({ args, out, backend }) {
    const displayName = args.string('display-name');
    if (!displayName) throw new UsageError('--display-name is required');
    const externalId = args.string('external-id');
    const group = await (await backend()).createGroup({ displayName, ...(externalId ? { externalId } : {}) });
    out.record(groupFields(group), group);
    return 0;
  },
};

const list: Command = {
  name: 'list',
  summary: 'list groups',
  options: {
    ...pageOptions,
    'display-name': {
      type: 'string',
      value: 'NAME',
      description: 'only this displayName (case-insensitive)',
    },
    'external-id': { type: 'string', value: 'ID', description: 'only this externalId' },
  },
  async run({ args, out, backend }) {
    const filter = {
      ...(args.has('display-name') ? { displayName: args.string('display-name') } : {}),
      ...(args.has('external-id') ? { externalId: args.string('external-id') } : {}),
    };
    printPage(out, await (await backend()).listGroups({ ...pageFrom(args), filter }), groupColumns);
    return 0;
  },
};

const show: Command = {
  name: 'show',
  summary: 'show a group, its roles and members',
  args: ['<group>'],
  details: 'A group is named by id or by displayName.',
  async run({ args, out, backend }) {
    const b = await backend();
    const id = await resolveGroup(b, args.positionals[0] ?? '');
    const [group, roles, members] = await Promise.all([
      b.getGroup(id),
      b.listGroupRoles(id),
      b.listGroupMembers(id, { limit: SHOWN_MEMBERS }),
    ]);
    const roleNames = roles.map((r) => r.name);
    out.record([...groupFields(group), ['roles', roleNames], ['members', members.items]], {
      ...group,
      roles: roleNames,
      members: members.items,
      moreMembers: members.nextCursor !== null,
    });
    if (members.nextCursor && !out.json) {
      out.note(`more than ${SHOWN_MEMBERS} members; the admin API pages through all`);
    }
    return 0;
  },
};

const update: Command = {
  name: 'update',
  summary: 'rename a group or change its externalId',
  args: ['<group>'],
  options: {
    'display-name': { type: 'string', value: 'NAME', description: 'new displayName' },
    'external-id': { type: 'string', value: 'ID', description: 'new externalId ("" clears it)' },
  },
  async run({ args, out, backend }) {
    const b = await backend();
    const id = await resolveGroup(b, args.positionals[0] ?? '');
    const changes = {
      ...(args.has('display-name') ? { displayName: args.string('display-name') ?? '' } : {}),
      ...(args.has('external-id') ? { externalId: args.string('external-id') || null } : {}),
    };
    if (Object.keys(changes).length === 0) {
      throw new UsageError('nothing to change: give --display-name or --external-id');
    }
    const group = await b.updateGroup(id, changes);
    out.record(groupFields(group), group);
    return 0;
  },
};

const remove: Command = {
  name: 'delete',
  summary: 'delete a group (its members lose the roles it gave them)',
  args: ['<group>'],
  async run({ args, out, backend }) {
    const b = await backend();
    const ref = args.positionals[0] ?? '';
    const id = await resolveGroup(b, ref);
    await b.deleteGroup(id);
    out.message(`deleted group ${ref === id ? id : `${ref} (${id})`}`, { deleted: { type: 'group', id } });
    return 0;
  },
};

function memberCommand(operation: 'add' | 'remove'): Command {
  return {
    name: `${operation}-member`,
    summary: operation === 'add' ? 'add users to a group' : 'remove users from a group',
    args: ['<group>', '<user...>'],
    details: 'Users are named by id or by userName.',
    async run({ args, out, backend }) {
      const b = await backend();
      const [groupRef = '', ...userRefs] = args.positionals;
      const groupId = await resolveGroup(b, groupRef);
      const userIds: string[] = [];
      for (const ref of userRefs) userIds.push(await resolveUser(b, ref));
      const changed = await b.changeMembers(groupId, operation, userIds);
      const verb = operation === 'add' ? 'added' : 'removed';
      const unchanged = userIds.length - changed.length;
      out.message(
        `${verb} ${changed.length} member${changed.length === 1 ? '' : 's'}` +
          (unchanged > 0 ? ` (${unchanged} already ${operation === 'add' ? 'in' : 'not in'} the group)` : ''),
        { group: groupId, [verb]: changed },
      );
      return 0;
    },
  };
}

export const groups: Group = {
  name: 'group',
  summary: 'groups: create, list, show, update, delete, add-member, remove-member',
  commands: [create, list, show, update, remove, memberCommand('add'), memberCommand('remove')],
};
