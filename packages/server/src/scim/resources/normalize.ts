/**
 * Reads a SCIM resource from a request body into its canonical form: attribute names spelled
 * as the schema spells them (clients may use any case, RFC 7643 §2.1), only known attributes,
 * types checked, and empty values (null, "", [], {}) left out as unassigned (RFC 7643 §2.5).
 *
 * Leniency, for what identity providers send (Entra ID first):
 * - booleans may be the strings "true"/"false" in any case (`"active": "False"`);
 * - a multi-valued attribute may be given one value instead of an array, and a complex one
 *   its bare `value` (`"members": "id"`, `"manager": "id"`);
 * - unknown attributes and readOnly ones (`id`, `meta`, `groups`) are ignored, as RFC 7644
 *   §3.5.1 says of readOnly values in a PUT.
 */
import { COMMON } from '../schema/common.js';
import { type AttributeDef, findAttribute, type SchemaDef } from '../schema/types.js';
import { scimError } from './errors.js';

export type Json = Record<string, unknown>;

export interface ResourceSchemas {
  readonly core: SchemaDef;
  readonly extensions: readonly SchemaDef[];
}

/** Longest string value accepted for any attribute (the core limits its own fields further). */
export const MAX_STRING = 2048;
/** Most values a multi-valued attribute may hold in one request (members excepted). */
export const MAX_VALUES = 100;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Own property, looked up case-insensitively. */
export function lookup(container: Json, name: string): unknown {
  if (Object.hasOwn(container, name)) return container[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(container)) if (key.toLowerCase() === lower) return container[key];
  return undefined;
}

/** The extension schema a key names, case-insensitively. */
export const extensionOf = (schemas: ResourceSchemas, key: string): SchemaDef | undefined =>
  schemas.extensions.find((e) => e.id.toLowerCase() === key.toLowerCase());

/** The definition of a top-level attribute of the core schema or the common attributes. */
export const coreAttribute = (schemas: ResourceSchemas, name: string): AttributeDef | undefined =>
  findAttribute(schemas.core.attributes, name) ?? findAttribute(COMMON, name);

/**
 * The canonical resource: writable core attributes and `externalId` at the top, each extension's
 * attributes under its URN. `schemas`, `id` and `meta` are not part of it.
 */
export function normalizeResource(body: unknown, schemas: ResourceSchemas): Json {
  if (!isObject(body)) throw scimError('invalidSyntax', 'the request body must be a JSON object');
  checkSchemas(body, schemas);
  const out: Json = {};
  for (const [key, value] of Object.entries(body)) {
    const extension = extensionOf(schemas, key);
    if (extension !== undefined) {
      if (value === null) continue;
      if (!isObject(value))
        throw scimError('invalidValue', `${extension.id} must be an object of its attributes`, {
          attribute: key,
        });
      const attributes = normalizeAttributes(value, extension.attributes, `${extension.id}:`);
      if (Object.keys(attributes).length > 0) out[extension.id] = attributes;
      continue;
    }
    const def = coreAttribute(schemas, key);
    if (def === undefined || def.mutability === 'readOnly') continue;
    const normalized = normalizeAttribute(def, value, def.name);
    if (normalized !== undefined) out[def.name] = normalized;
  }
  return out;
}

function normalizeAttributes(value: Json, defs: readonly AttributeDef[], prefix: string): Json {
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const def = findAttribute(defs, key);
    if (def === undefined || def.mutability === 'readOnly') continue;
    const normalized = normalizeAttribute(def, v, `${prefix}${def.name}`);
    if (normalized !== undefined) out[def.name] = normalized;
  }
  return out;
}

/** `schemas`, when sent, must name this resource type's core schema (RFC 7643 §3). */
function checkSchemas(body: Json, schemas: ResourceSchemas): void {
  const listed = lookup(body, 'schemas');
  if (listed === undefined || listed === null) return;
  if (!Array.isArray(listed) || !listed.every((s) => typeof s === 'string'))
    throw scimError('invalidSyntax', '"schemas" must be an array of schema URNs');
  const known = [schemas.core.id, ...schemas.extensions.map((e) => e.id)].map((s) => s.toLowerCase());
  if (!listed.some((s) => s.toLowerCase() === schemas.core.id.toLowerCase()))
    throw scimError('invalidSyntax', `"schemas" must include ${schemas.core.id}`);
  const unknown = listed.find((s) => !known.includes(s.toLowerCase()));
  if (unknown !== undefined)
    throw scimError('invalidValue', `unknown schema ${JSON.stringify(unknown)}`, { schema: unknown });
}

/** One attribute's value in canonical form, or undefined when unassigned. */
export function normalizeAttribute(def: AttributeDef, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (def.multiValued) {
    const items = (Array.isArray(value) ? value : [value])
      .map((item, i) => normalizeSingle(def, item, `${path}[${i}]`))
      .filter((item) => item !== undefined);
    if (def.name !== 'members' && items.length > MAX_VALUES)
      throw scimError('invalidValue', `${path} holds at most ${MAX_VALUES} values`, { attribute: path });
    if (items.filter((item) => isObject(item) && item.primary === true).length > 1)
      throw scimError('invalidValue', `at most one value of ${path} may be primary (RFC 7643 §2.4)`, {
        attribute: path,
      });
    return items.length === 0 ? undefined : items;
  }
  return normalizeSingle(def, value, path);
}

/** One value of an attribute (one element of a multi-valued one). */
export function normalizeSingle(def: AttributeDef, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (def.type !== 'complex') return normalizeScalar(def, value, path);
  const subs = def.subAttributes ?? [];
  // A bare value for a complex attribute with a `value` sub-attribute: Entra's `"manager": "id"`.
  const object = isObject(value)
    ? value
    : findAttribute(subs, 'value') !== undefined && !Array.isArray(value)
      ? { value }
      : undefined;
  if (object === undefined) throw scimError('invalidValue', `${path} must be an object`, { attribute: path });
  const out: Json = {};
  for (const [key, v] of Object.entries(object)) {
    const sub = findAttribute(subs, key);
    if (sub === undefined || sub.mutability === 'readOnly') continue;
    const normalized = normalizeScalar(sub, v, `${path}.${sub.name}`);
    if (normalized !== undefined) out[sub.name] = normalized;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function normalizeScalar(def: AttributeDef, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return undefined;
  const wrong = (expected: string) =>
    scimError('invalidValue', `${path} must be ${expected}, not ${describe(value)}`, { attribute: path });
  switch (def.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      // Entra ID sends "True"/"False" (its documentation says so); RFC 7643 §2.3.2 wants JSON booleans.
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw wrong('a boolean');
    }
    case 'complex':
      throw wrong('a simple value');
    case 'decimal':
    case 'integer':
      if (typeof value !== 'number' || (def.type === 'integer' && !Number.isInteger(value)))
        throw wrong(`a${def.type === 'integer' ? 'n integer' : ' number'}`);
      return value;
    default: {
      if (typeof value !== 'string') throw wrong('a string');
      if (value === '') return undefined;
      if (value.length > MAX_STRING)
        throw scimError('invalidValue', `${path} must be at most ${MAX_STRING} characters`, {
          attribute: path,
        });
      if (LONE_SURROGATE.test(value))
        throw scimError('invalidValue', `${path} is not valid Unicode (a lone surrogate)`, {
          attribute: path,
        });
      return value;
    }
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string'
    ? `the string ${JSON.stringify(value.slice(0, 40))}`
    : JSON.stringify(value);
}
