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
import { type Json, normalizeResource, type ResourceSchemas } from './normalize.js';
import { etagOf, type RenderContext } from './user.js';

export const GROUP_SCHEMAS: ResourceSchemas = { core: GROUP, extensions: [] };

export interface GroupRequest {
  displayName: string;
  externalId: string | null;
  /** Member user ids, de-duplicated, in the order given. */
  members: string[];
}

/** Reads a POST/PUT body; throws 400 invalidValue when `displayName` is missing. */
export function readGroup(body: unknown): GroupRequest {
  const resource = normalizeResource(body, GROUP_SCHEMAS);
  if (typeof resource.displayName !== 'string')
    throw scimError('invalidValue', 'displayName is required (RFC 7643 §4.2)', { attribute: 'displayName' });
  return {
    displayName: resource.displayName,
    externalId: (resource.externalId as string | undefined) ?? null,
    members: memberIds(resource.members),
  };
}

/** The user ids of canonical `members` values. */
export function memberIds(members: unknown): string[] {
  if (!Array.isArray(members)) return [];
  const ids = members.map((m: Json) => m.value).filter((v): v is string => typeof v === 'string');
  return [...new Set(ids)];
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
    display: member.displayName ?? member.userName,
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
