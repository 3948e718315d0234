/**
 * SCIM User (RFC 7643 §4.1, §4.3) ↔ Tessera user. The model maps `userName`, `externalId`,
 * `name`, `displayName`, `emails` (value, type, primary) and `active`; every other attribute
 * the schema knows is kept as given in `user.scim` and returned as it came. `groups` is read
 * from memberships. Tessera-only state (roles, grants, aver) is never part of the resource.
 */
import type { Email, PersonName, ScimAttributes, User } from '../../core/model.js';
import type { GroupRef } from '../../core/ports.js';
import type { UserInput } from '../../core/users/user.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../schema/urns.js';
import { ENTERPRISE_USER, USER } from '../schema/user.js';
import { scimError } from './errors.js';
import { isObject, type Json, normalizeResource, type ResourceSchemas } from './normalize.js';

export const USER_SCHEMAS: ResourceSchemas = { core: USER, extensions: [ENTERPRISE_USER] };

/** Attributes the model holds itself; the rest of a canonical resource goes to `user.scim`. */
const MAPPED = new Set(['userName', 'externalId', 'name', 'displayName', 'emails', 'active']);

/** A canonical resource (see normalize.ts) as the input of createUser/updateUser, every field set. */
export function userInputOf(resource: Json): UserInput {
  const scim: ScimAttributes = {};
  for (const [key, value] of Object.entries(resource)) if (!MAPPED.has(key)) scim[key] = value;
  const emails = (resource.emails as Json[] | undefined)?.map((e): Email => {
    const email: Email = { value: e.value as string };
    if (typeof e.type === 'string') email.type = e.type;
    if (e.primary === true) email.primary = true;
    return email;
  });
  return {
    userName: resource.userName as string,
    externalId: (resource.externalId as string | undefined) ?? null,
    name: (resource.name as PersonName | undefined) ?? null,
    displayName: (resource.displayName as string | undefined) ?? null,
    emails: emails ?? null,
    // RFC 7643 §4.1.1 gives no default; an unassigned `active` keeps the user enabled.
    active: (resource.active as boolean | undefined) ?? true,
    scim,
  };
}

/** Reads a POST/PUT body; throws 400 invalidValue when `userName` is missing. */
export function readUser(body: unknown): UserInput {
  const resource = normalizeResource(body, USER_SCHEMAS);
  if (typeof resource.userName !== 'string')
    throw scimError('invalidValue', 'userName is required (RFC 7643 §4.1.1)', { attribute: 'userName' });
  return userInputOf(resource);
}

/** The canonical resource of a user (what PATCH operates on): no `id`, `meta`, `groups`. */
export function canonicalUser(user: User): Json {
  const out: Json = { userName: user.userName };
  if (user.externalId !== null) out.externalId = user.externalId;
  if (Object.keys(user.name).length > 0) out.name = { ...user.name };
  if (user.displayName !== null) out.displayName = user.displayName;
  if (user.emails.length > 0) out.emails = user.emails.map((e) => ({ ...e }));
  out.active = user.active;
  for (const [key, value] of Object.entries(user.scim ?? {})) out[key] = structuredClone(value);
  return out;
}

export interface RenderContext {
  /** `https://…/scim/v2`, for `meta.location` and `$ref`. */
  baseUrl: string;
}

export const etagOf = (version: number): string => `W/"${version}"`;

/** The full SCIM representation (RFC 7643 §4.1 and §3.1 common attributes). */
export function renderUser(user: User, groups: readonly GroupRef[], context: RenderContext): Json {
  const canonical = canonicalUser(user);
  const schemas = [USER_SCHEMA];
  if (isObject(canonical[ENTERPRISE_USER_SCHEMA])) schemas.push(ENTERPRISE_USER_SCHEMA);
  const { [ENTERPRISE_USER_SCHEMA]: enterprise, ...core } = canonical;
  return {
    schemas,
    id: user.id,
    ...core,
    ...(groups.length === 0
      ? {}
      : {
          groups: groups.map((g) => ({
            value: g.groupId,
            $ref: `${context.baseUrl}/Groups/${g.groupId}`,
            display: g.displayName,
            type: 'direct',
          })),
        }),
    ...(enterprise === undefined ? {} : { [ENTERPRISE_USER_SCHEMA]: enterprise }),
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location: `${context.baseUrl}/Users/${user.id}`,
      version: etagOf(user.version),
    },
  };
}
