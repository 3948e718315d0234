/**
 * SCIM Group (RFC 7643 §4.2) ↔ Tessera group. Members are users, referenced by id; a member
 * value that names no user is dropped (a group cannot hold what does not exist, and failing the
 * whole request would stall an identity provider's provisioning on one stale reference).
 */
import type { Group } from '../../core/model.js';
import type { MemberRef } from '../../core/ports.js';
import { GROUP } from '../schema/group.js';
import { GROUP_SCHEMA } from '../schema/urns.js';
import { scimError } from './errors.js';
import {
  coreAttribute,
  isObject,
  type Json,
  lookup,
  normalizeAttribute,
  normalizeResource,
  type ResourceSchemas,
} from './normalize.js';
import { etagOf, type RenderContext } from './user.js';

export const GROUP_SCHEMAS: ResourceSchemas = { core: GROUP, extensions: [] };

export interface GroupRequest {
  displayName: string;
  externalId: string | null;
  members: Members;
}

/** Member references read from a request. */
export interface Members {
  /** User ids, de-duplicated, in the order given. */
  ids: string[];
  /** The label given to a member, by id. */
  displays: Map<string, string>;
}

/** Reads a POST/PUT body; throws 400 invalidValue when `displayName` is missing. */
export function readGroup(body: unknown): GroupRequest {
  const resource = normalizeResource(body, GROUP_SCHEMAS);
  if (typeof resource.displayName !== 'string')
    throw scimError('invalidValue', 'displayName is required (RFC 7643 §4.2)', { attribute: 'displayName' });
  return {
    displayName: resource.displayName,
    externalId: (resource.externalId as string | undefined) ?? null,
    members: readMembers(lookup(body as Json, 'members')),
  };
}

const MEMBERS = coreAttribute(GROUP_SCHEMAS, 'members');

/**
 * Member values (an array, one value, or bare ids). Microsoft's test collection labels members
 * with `displayName`; it is read as `display`. Ids are lower-cased: Tessera's are lower-case
 * UUIDs and `value` is not caseExact.
 */
export function readMembers(value: unknown): Members {
  if (MEMBERS === undefined) throw new TypeError('the Group schema has members');
  const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const aliased = values.map((m) =>
    isObject(m) && lookup(m, 'display') === undefined && typeof lookup(m, 'displayName') === 'string'
      ? { ...m, display: lookup(m, 'displayName') }
      : m,
  );
  const items = (normalizeAttribute(MEMBERS, aliased, 'members') as Json[] | undefined) ?? [];
  const ids: string[] = [];
  const seen = new Set<string>();
  const displays = new Map<string, string>();
  for (const item of items) {
    if (typeof item.value !== 'string') continue;
    const id = item.value.toLowerCase();
    if (!displays.has(id) && typeof item.display === 'string') displays.set(id, item.display);
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  }
  return { ids, displays };
}

/** The canonical resource of a group without its members (what PATCH operates on besides them). */
export function canonicalGroup(group: Group): Json {
  const out: Json = { displayName: group.displayName };
  if (group.externalId !== null) out.externalId = group.externalId;
  return out;
}

export function renderMember(member: MemberRef, context: RenderContext): Json {
  return {
    value: member.id,
    $ref: `${context.baseUrl}/Users/${member.id}`,
    display: member.display ?? member.displayName ?? member.userName,
    type: 'User',
  };
}

/** The SCIM representation; `members` is left out when undefined (excluded or not loaded). */
export function renderGroup(group: Group, members: Json[] | undefined, context: RenderContext): Json {
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...canonicalGroup(group),
    ...(members === undefined || members.length === 0 ? {} : { members }),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.updatedAt.toISOString(),
      location: `${context.baseUrl}/Groups/${group.id}`,
      version: etagOf(group.version),
    },
  };
}
