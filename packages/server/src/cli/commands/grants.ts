import { exactlyOne } from '../args.js';
import type { Backend, Grantee, GrantOperation } from '../backend.js';
import type { Command } from '../command.js';
import { resolveGroup, resolveUser } from './shared.js';

async function granteeId(backend: Backend, type: Grantee['type'], ref: string): Promise<string> {
  if (type === 'user') return resolveUser(backend, ref);
  if (type === 'group') return resolveGroup(backend, ref);
  return ref;
}

function grantCommand(operation: GrantOperation): Command {
  const granting = operation === 'grant';
  return {
    name: operation,
    summary: granting
      ? 'grant a role to a user, group or client'
      : 'revoke a role from a user, group or client',
    args: ['<role>'],
    options: {
      user: { type: 'string', value: 'USER', description: 'a user, by id or userName' },
      group: {
        type: 'string',
        value: 'GROUP',
        description: 'a group, by id or displayName (its members gain the role)',
      },
      client: { type: 'string', value: 'CLIENT', description: 'a client, by client_id or id' },
    },
    details: 'Give exactly one of --user, --group, --client. The role is named by name or id.',
    async run({ args, out, backend }) {
      const { name, value } = exactlyOne(args, ['user', 'group', 'client']);
      const type = name as Grantee['type'];
      const b = await backend();
      const id = await granteeId(b, type, value);
      const { changed, role } = await b.changeGrant(operation, { type, id }, args.positionals[0] ?? '');
      const who = `${type} ${value === id ? id : `${value} (${id})`}`;
      const text = changed
        ? `${granting ? 'granted' : 'revoked'} role ${role} ${granting ? 'to' : 'from'} ${who}`
        : `${who} ${granting ? 'already holds' : 'does not hold'} role ${role}${type === 'user' ? ' directly' : ''}; nothing changed`;
      out.message(text, { operation, changed, role, grantee: { type, id } });
      return 0;
    },
  };
}

export const grant = grantCommand('grant');
export const revoke = grantCommand('revoke');
