/**
 * PATCH of a group (RFC 7644 §3.5.2) without loading its members: operations on `members` become
 * a membership plan (ids to add, ids to remove, or "replace all") that the store applies with
 * set operations; every other operation goes through applyPatch on the group's attributes.
 */
import { MAX_MEMBER_CHANGE, type MemberChange } from '../../core/groups/members.js';
import type { Filter } from '../filter/ast.js';
import { GROUP_SCHEMA } from '../schema/urns.js';
import { scimError } from './errors.js';
import { GROUP_SCHEMAS, type Members, readMembers } from './group.js';
import { isObject, type Json } from './normalize.js';
import { applyPatch } from './patch.js';
import type { PatchOperation } from './patch-request.js';

export interface GroupPatchPlan {
  /** The group's attributes after the operations (displayName, externalId). */
  resource: Json;
  /** undefined when no operation touched `members`. */
  members: MemberChange | undefined;
}

class MemberPlan {
  replace = false;
  readonly add = new Set<string>();
  readonly remove = new Set<string>();
  readonly displays = new Map<string, string>();
  touched = false;

  adding({ ids, displays }: Members): void {
    this.touched = true;
    for (const id of ids) {
      this.remove.delete(id);
      this.add.add(id);
    }
    for (const [id, display] of displays) this.displays.set(id, display);
  }

  removing(ids: readonly string[]): void {
    this.touched = true;
    for (const id of ids) {
      this.add.delete(id);
      this.remove.add(id);
    }
  }

  replacing(members: Members): void {
    this.touched = true;
    this.replace = true;
    this.add.clear();
    this.remove.clear();
    this.adding(members);
  }

  change(): MemberChange | undefined {
    if (!this.touched) return undefined;
    if (this.add.size > MAX_MEMBER_CHANGE || this.remove.size > MAX_MEMBER_CHANGE)
      throw scimError('tooMany', `at most ${MAX_MEMBER_CHANGE} members may be added or removed per request`, {
        attribute: 'members',
      });
    return {
      replace: this.replace,
      add: [...this.add],
      remove: [...this.remove],
      displays: this.displays,
      ignoreUnknown: true,
    };
  }
}

const isMembers = (name: string, uri: string | undefined): boolean =>
  name.toLowerCase() === 'members' && (uri === undefined || uri.toLowerCase() === GROUP_SCHEMA.toLowerCase());

export function planGroupPatch(resource: Json, operations: readonly PatchOperation[]): GroupPatchPlan {
  const plan = new MemberPlan();
  const others: PatchOperation[] = [];
  for (const operation of operations) {
    const { op, path, value, index } = operation;
    if (path === undefined) {
      // Path-less add/replace: `members` inside the value joins the plan, the rest applies as is.
      if (!isObject(value)) {
        others.push(operation);
        continue;
      }
      const rest: Json = {};
      for (const [key, v] of Object.entries(value)) {
        if (isMembers(key, undefined)) {
          if (op === 'replace') plan.replacing(readMembers(v));
          else plan.adding(readMembers(v));
        } else rest[key] = v;
      }
      if (Object.keys(rest).length > 0) others.push({ ...operation, value: rest });
      continue;
    }
    if (!isMembers(path.path.name, path.path.uri)) {
      others.push(operation);
      continue;
    }
    const detail = { operation: index, attribute: 'members' };
    const sub = path.type === 'valuePath' ? path.subAttr : path.path.subAttr;
    if (sub !== undefined)
      throw scimError(
        'mutability',
        "a member's sub-attributes cannot be changed: add or remove the member",
        detail,
      );
    if (path.type === 'valuePath') {
      if (op !== 'remove')
        throw scimError(
          'invalidPath',
          `${op} members with the path "members" and the members as value`,
          detail,
        );
      plan.removing(selectedIds(path.filter));
    } else if (op === 'add') plan.adding(readMembers(value));
    else if (op === 'replace') plan.replacing(readMembers(value));
    else if (value === undefined || value === null) plan.replacing(readMembers([]));
    else plan.removing(readMembers(value).ids); // Entra ID: remove with the members to remove as value
  }
  return { resource: applyPatch(resource, others, GROUP_SCHEMAS), members: plan.change() };
}

/**
 * The member ids a `members[...]` filter names: `value eq "id"`, alone or joined with `or`
 * (ids are not caseExact, RFC 7643 §8.7.1, and Tessera's are lower-case).
 */
function selectedIds(filter: Filter): string[] {
  if (filter.type === 'or') return filter.filters.flatMap(selectedIds);
  if (
    filter.type === 'compare' &&
    filter.op === 'eq' &&
    filter.path.name.toLowerCase() === 'value' &&
    filter.path.subAttr === undefined &&
    typeof filter.value === 'string'
  )
    return [filter.value.toLowerCase()];
  throw scimError(
    'invalidPath',
    'members[...] selects members by value: members[value eq "<id>"] (several joined with or)',
    { attribute: 'members' },
  );
}
