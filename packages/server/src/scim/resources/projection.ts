/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a response
 * carries. `id` and `schemas` are always returned (RFC 7643 §3.1, `returned: always`).
 * Attribute names are matched case-insensitively; an extension's attributes are named with its
 * URN (`urn:…:enterprise:2.0:User:department`) and the URN alone names all of them.
 *
 * Leniency for Microsoft's test collection: an entry with a value filter (`emails[type eq
 * "work"]`) names its attribute.
 */
import type { AttrPath } from '../filter/ast.js';
import { parsePath } from '../path/parse.js';
import { scimError } from './errors.js';
import { isObject, type Json } from './normalize.js';

export interface Projection {
  attributes?: readonly AttrPath[];
  excludedAttributes?: readonly AttrPath[];
}

const ALWAYS = new Set(['id', 'schemas']);

/** Reads a comma-separated list (query parameter) or an array (SearchRequest) of attribute paths. */
export function readAttributeList(value: unknown, parameter: string): AttrPath[] | undefined {
  if (value === undefined || value === null) return undefined;
  const entries =
    typeof value === 'string'
      ? splitList(value)
      : Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? value.flatMap(splitList)
        : undefined;
  if (entries === undefined)
    throw scimError('invalidValue', `${parameter} must be a comma-separated list of attribute names`);
  return entries.map((entry) => {
    try {
      return parsePath(entry).path;
    } catch (err) {
      throw scimError('invalidValue', `${parameter}: ${JSON.stringify(entry)} is not an attribute name`, {
        parameter,
        cause: err instanceof Error ? err.message : String(err),
      });
    }
  });
}

/** Splits on commas outside brackets and quotes; trims; drops empty entries. */
function splitList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** The key of `resource` matching `name` case-insensitively. */
function keyOf(resource: Json, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(resource).find((k) => k.toLowerCase() === lower);
}

/** Where a path's attribute lives: the resource itself or an extension object of it. */
function holder(
  resource: Json,
  path: AttrPath,
): { container: Json; key: string | undefined; whole: string | undefined } {
  if (path.uri !== undefined) {
    const extensionKey = keyOf(resource, path.uri);
    if (extensionKey !== undefined && isObject(resource[extensionKey]))
      return {
        container: resource[extensionKey] as Json,
        key: keyOf(resource[extensionKey] as Json, path.name),
        whole: undefined,
      };
    // The URN alone: `urn:…:enterprise:2.0:User` parses as uri `urn:…:2.0` and name `User`.
    const whole = keyOf(resource, `${path.uri}:${path.name}`);
    return { container: resource, key: undefined, whole };
  }
  return { container: resource, key: keyOf(resource, path.name), whole: undefined };
}

export function project(resource: Json, projection: Projection): Json {
  const { attributes, excludedAttributes } = projection;
  let out = resource;
  if (attributes !== undefined && attributes.length > 0) {
    out = {};
    for (const key of Object.keys(resource)) if (ALWAYS.has(key)) out[key] = resource[key];
    for (const path of attributes) copy(resource, out, path);
  }
  if (excludedAttributes !== undefined && excludedAttributes.length > 0) {
    out = structuredClone(out);
    for (const path of excludedAttributes) remove(out, path);
  }
  return out;
}

function copy(from: Json, to: Json, path: AttrPath): void {
  const { container, key, whole } = holder(from, path);
  if (whole !== undefined) {
    to[whole] = from[whole];
    return;
  }
  if (key === undefined) return;
  const value = container[key];
  const target =
    container === from
      ? to
      : (() => {
          const extensionKey = keyOf(from, path.uri as string) as string;
          if (!isObject(to[extensionKey])) to[extensionKey] = {};
          return to[extensionKey] as Json;
        })();
  if (path.subAttr === undefined) {
    target[key] = value;
    return;
  }
  const sub = path.subAttr;
  const pick = (v: unknown): Json | undefined => {
    if (!isObject(v)) return undefined;
    const subKey = keyOf(v, sub);
    return subKey === undefined ? undefined : { [subKey]: v[subKey] };
  };
  if (Array.isArray(value)) {
    const existing = Array.isArray(target[key]) ? (target[key] as Json[]) : value.map(() => ({}));
    for (const [i, v] of value.entries()) Object.assign(existing[i] as Json, pick(v) ?? {});
    target[key] = existing;
  } else {
    const picked = pick(value);
    if (picked !== undefined)
      target[key] = { ...(isObject(target[key]) ? (target[key] as Json) : {}), ...picked };
  }
}

function remove(resource: Json, path: AttrPath): void {
  const { container, key, whole } = holder(resource, path);
  if (whole !== undefined) {
    delete resource[whole];
    return;
  }
  if (key === undefined || (container === resource && ALWAYS.has(key))) return;
  if (path.subAttr === undefined) {
    delete container[key];
    return;
  }
  const sub = path.subAttr;
  const values = Array.isArray(container[key]) ? (container[key] as unknown[]) : [container[key]];
  for (const v of values) {
    if (!isObject(v)) continue;
    const subKey = keyOf(v, sub);
    if (subKey !== undefined) delete v[subKey];
  }
}

/** Whether the projection leaves `name` (a top-level attribute) out, so it need not be loaded. */
export function excludes(projection: Projection, name: string): boolean {
  const is = (p: AttrPath) =>
    p.uri === undefined && p.subAttr === undefined && p.name.toLowerCase() === name.toLowerCase();
  if (projection.excludedAttributes?.some(is)) return true;
  const { attributes } = projection;
  return (
    attributes !== undefined &&
    attributes.length > 0 &&
    !attributes.some((p) => p.uri === undefined && p.name.toLowerCase() === name.toLowerCase())
  );
}
