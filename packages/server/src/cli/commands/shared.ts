/** Pieces several command groups share: paging, name-or-id lookups, permission lists. */
import { notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { ListOptions, Page } from '../../core/model.js';
import { type Args, integerOption, type OptionSpecs } from '../args.js';
import type { Backend } from '../backend.js';
import type { Column, Output } from '../output.js';

export const pageOptions: OptionSpecs = {
  limit: { type: 'string', value: 'N', description: 'rows per page, 1-500 (default 50)' },
  cursor: {
    type: 'string',
    value: 'CURSOR',
    description: 'continue after the page that printed this cursor',
  },
};

export const pageFrom = (args: Args): ListOptions => ({
  limit: integerOption(args, 'limit', 50, 500),
  cursor: args.string('cursor') ?? null,
});

/** A page as a table (the page itself with --json), and how to get the next one. */
export function printPage<T>(out: Output, page: Page<T>, columns: readonly Column<T>[]): void {
  out.table(page.items, columns, page);
  if (page.nextCursor && !out.json) out.note(`more: repeat with --cursor ${page.nextCursor}`);
}

/** A user by id or, for people typing commands, by userName. */
export async function resolveUser(backend: Backend, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const page = await backend.listUsers({ limit: 1, filter: { userName: ref } });
  const user = page.items[0];
  if (!user) throw notFound('user', ref);
  return user.id;
}

/** A group by id or by displayName. */
export async function resolveGroup(backend: Backend, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const page = await backend.listGroups({ limit: 1, filter: { displayName: ref } });
  const group = page.items[0];
  if (!group) throw notFound('group', ref);
  return group.id;
}

export const permissionOptions: OptionSpecs = {
  permission: {
    type: 'list',
    value: 'RES:ACTION',
    description: 'a permission such as billing:read (repeatable)',
  },
  permissions: {
    type: 'string',
    value: 'LIST',
    description: 'comma-separated permissions, e.g. billing:read,billing:write',
  },
};

/** `--permission a:b --permissions c:d,e:f`, in order; undefined when neither was given. */
export function permissionsFrom(args: Args): string[] | undefined {
  if (!args.has('permission') && !args.has('permissions')) return undefined;
  const csv = args.list('permissions').flatMap((list) => list.split(','));
  return [...args.list('permission'), ...csv].map((p) => p.trim()).filter((p) => p !== '');
}
