/**
 * Applies PATCH operations (RFC 7644 §3.5.2) to a canonical resource (normalize.ts), in order,
 * on a copy: the caller stores the result in one write, so a request with one bad operation
 * changes nothing. Semantics, by section:
 *
 * - add (§3.5.2.1): sets a single value, merges a complex value's sub-attributes, appends to a
 *   multi-valued attribute values not already there;
 * - replace (§3.5.2.3): sets, merges a complex value's sub-attributes ("sub-attributes that are
 *   not specified in the value parameter are left unchanged"), replaces all values of a
 *   multi-valued attribute, or the values a filter selects;
 * - remove (§3.5.2.2): unassigns, or removes the values a filter selects (none: no change);
 *   required attributes cannot be removed (`mutability`).
 *
 * A value that becomes `primary` demotes the others (§3.5.2). Entra ID compatibility: a filter
 * of `eq` terms that selects nothing (`emails[type eq "work"].value`) makes add and replace
 * create the value from those terms (RFC 7644 would answer replace with noTarget); `remove` with a
 * `value` on a multi-valued attribute removes those values, not all of them.
 */
import { canonicalJson } from '../../core/journal.js';
import type { AttrPath, Filter } from '../filter/ast.js';
import { evaluateFilter } from '../filter/evaluate.js';
import type { PatchPath } from '../path/ast.js';
import { parsePath } from '../path/parse.js';
import { stringifyPath } from '../path/stringify.js';
import { type AttributeDef, findAttribute, type SchemaDef } from '../schema/types.js';
import { scimError } from './errors.js';
import {
  coreAttribute,
  extensionOf,
  isObject,
  type Json,
  MAX_VALUES,
  normalizeAttribute,
  normalizeScalar,
  normalizeSingle,
  type ResourceSchemas,
} from './normalize.js';
import type { PatchOp, PatchOperation } from './patch-request.js';

/** Where an operation lands: an attribute (or one of its sub-attributes) or a whole extension. */
type Location =
  | {
      readonly kind: 'attribute';
      /** undefined: the core schema (top level); else the extension URN holding it. */
      readonly extension: string | undefined;
      readonly def: AttributeDef;
      readonly sub: AttributeDef | undefined;
      /** The values selected by `attr[filter]`, when the path has one. */
      readonly filter: Filter | undefined;
    }
  | { readonly kind: 'extension'; readonly schema: SchemaDef };

export function applyPatch(
  resource: Json,
  operations: readonly PatchOperation[],
  schemas: ResourceSchemas,
): Json {
  const working = structuredClone(resource);
  for (const operation of operations) applyOperation(working, operation, schemas);
  checkResult(working, schemas);
  return working;
}

function applyOperation(resource: Json, operation: PatchOperation, schemas: ResourceSchemas): void {
  const { op, path, value, index } = operation;
  if (path === undefined) {
    // §3.5.2.1/§3.5.2.3: no path — the value holds attributes, each applied as if targeted.
    if (!isObject(value))
      throw scimError(
        'invalidValue',
        `Operations[${index}].value must be an object of attributes when there is no path`,
        {
          operation: index,
        },
      );
    for (const [key, v] of Object.entries(value)) {
      const location = locateKey(key, schemas);
      if (location !== undefined) apply(resource, op, location, v, index);
    }
    return;
  }
  apply(resource, op, locate(path, schemas, index), value, index);
}

/**
 * A key of a path-less value: an extension URN, or an attribute path (Entra ID writes
 * `"name.givenName"` there). As in a PUT body, readOnly, unknown and `schemas` keys are ignored.
 */
function locateKey(key: string, schemas: ResourceSchemas): Location | undefined {
  const extension = extensionOf(schemas, key);
  if (extension !== undefined) return { kind: 'extension', schema: extension };
  let path: PatchPath;
  try {
    path = parsePath(key);
  } catch {
    return undefined;
  }
  try {
    return locate(path, schemas, -1);
  } catch {
    return undefined;
  }
}

/** Resolves a path against the schemas; `invalidPath` for unknown attributes, `mutability` for readOnly ones. */
function locate(path: PatchPath, schemas: ResourceSchemas, index: number): Location {
  const text = stringifyPath(path);
  const attr = path.path;
  const detail = { operation: index, path: text };
  let extension: SchemaDef | undefined;
  if (attr.uri !== undefined) {
    extension = extensionOf(schemas, attr.uri);
    if (extension === undefined && attr.uri.toLowerCase() !== schemas.core.id.toLowerCase()) {
      const whole = extensionOf(schemas, `${attr.uri}:${attr.name}`);
      if (whole !== undefined && path.type === 'attribute' && attr.subAttr === undefined)
        return { kind: 'extension', schema: whole };
      throw scimError('invalidPath', `unknown schema in path ${JSON.stringify(text)}`, detail);
    }
  }
  const def = extension ? findAttribute(extension.attributes, attr.name) : coreAttribute(schemas, attr.name);
  if (def === undefined)
    throw scimError(
      'invalidPath',
      `no attribute ${JSON.stringify(attr.name)} in path ${JSON.stringify(text)}`,
      detail,
    );
  if (def.mutability === 'readOnly')
    throw scimError('mutability', `${def.name} is readOnly (RFC 7643 §2.2)`, detail);
  const subName = path.type === 'valuePath' ? path.subAttr : attr.subAttr;
  let sub: AttributeDef | undefined;
  if (subName !== undefined) {
    sub = def.type === 'complex' ? findAttribute(def.subAttributes ?? [], subName) : undefined;
    if (sub === undefined)
      throw scimError('invalidPath', `${def.name} has no sub-attribute ${JSON.stringify(subName)}`, detail);
    if (sub.mutability === 'readOnly')
      throw scimError('mutability', `${def.name}.${sub.name} is readOnly (RFC 7643 §2.2)`, detail);
  }
  if (path.type === 'valuePath' && !(def.multiValued && def.type === 'complex'))
    throw scimError(
      'invalidPath',
      `"[...]" selects values of a multi-valued complex attribute, not ${def.name}`,
      detail,
    );
  if (path.type === 'attribute' && def.multiValued && sub !== undefined)
    throw scimError(
      'invalidPath',
      `select the values of ${def.name} with a filter, e.g. ${def.name}[type eq "work"].${sub.name}`,
      detail,
    );
  return {
    kind: 'attribute',
    extension: extension?.id,
    def,
    sub,
    filter: path.type === 'valuePath' ? path.filter : undefined,
  };
}

function apply(resource: Json, op: PatchOp, location: Location, value: unknown, index: number): void {
  if (location.kind === 'extension') {
    const { schema } = location;
    if (op === 'remove') {
      delete resource[schema.id];
      return;
    }
    if (value === null) {
      delete resource[schema.id];
      return;
    }
    if (!isObject(value))
      throw scimError('invalidValue', `${schema.id} must be an object of its attributes`, {
        operation: index,
      });
    for (const [key, v] of Object.entries(value)) {
      const def = findAttribute(schema.attributes, key);
      if (def === undefined || def.mutability === 'readOnly') continue;
      apply(
        resource,
        op,
        { kind: 'attribute', extension: schema.id, def, sub: undefined, filter: undefined },
        v,
        index,
      );
    }
    return;
  }
  const { def, sub, filter } = location;
  const where = `${location.extension === undefined ? '' : `${location.extension}:`}${def.name}`;
  const container = containerOf(resource, location.extension);
  if (filter !== undefined) {
    applyFiltered(container, op, def, sub, filter, value, index, where);
  } else if (op === 'remove') {
    removeAttribute(container, def, sub, value, index, where);
  } else if (sub !== undefined) {
    // A sub-attribute of a single-valued complex attribute.
    const v = normalizeScalar(sub, value, `${where}.${sub.name}`);
    const current = isObject(container[def.name]) ? (container[def.name] as Json) : {};
    set(current, sub.name, v);
    set(container, def.name, current);
  } else if (def.multiValued) {
    const items = (normalizeAttribute(def, value, where) as Json[] | undefined) ?? [];
    if (op === 'replace') set(container, def.name, items);
    else {
      const current = Array.isArray(container[def.name]) ? (container[def.name] as unknown[]) : [];
      const seen = new Set(current.map(canonicalJson));
      for (const item of items) {
        if (seen.has(canonicalJson(item))) continue;
        seen.add(canonicalJson(item));
        if (isObject(item) && item.primary === true) demote(current);
        current.push(item);
      }
      set(container, def.name, current);
    }
  } else if (def.type === 'complex') {
    const v = normalizeSingle(def, value, where) as Json | undefined;
    if (v === undefined) delete container[def.name];
    else
      set(container, def.name, {
        ...(isObject(container[def.name]) ? (container[def.name] as Json) : {}),
        ...v,
      });
  } else {
    set(container, def.name, normalizeScalar(def, value, where));
  }
  pruneContainer(resource, location.extension);
}

function applyFiltered(
  container: Json,
  op: PatchOp,
  def: AttributeDef,
  sub: AttributeDef | undefined,
  filter: Filter,
  value: unknown,
  index: number,
  where: string,
): void {
  const within: AttrPath = { name: def.name };
  const values = Array.isArray(container[def.name]) ? (container[def.name] as Json[]) : [];
  const selected = values.filter((v) => evaluateFilter(filter, v, { within }));
  if (op === 'remove') {
    if (sub !== undefined) for (const v of selected) delete v[sub.name];
    const kept = sub === undefined ? values.filter((v) => !selected.includes(v)) : values;
    set(
      container,
      def.name,
      kept.filter((v) => Object.keys(v).length > 0),
    );
    return;
  }
  const replacement =
    sub === undefined
      ? (normalizeSingle(def, Array.isArray(value) && value.length === 1 ? value[0] : value, where) as
          | Json
          | undefined)
      : normalizeScalar(sub, value, `${where}.${sub.name}`);
  if (selected.length === 0) {
    const terms = eqTerms(filter, def);
    if (terms === undefined)
      throw scimError('noTarget', `no value of ${where} matches the filter of Operations[${index}]`, {
        operation: index,
      });
    const created =
      sub === undefined
        ? { ...terms, ...((replacement as Json | undefined) ?? {}) }
        : { ...terms, [sub.name]: replacement };
    const item = normalizeSingle(def, created, where) as Json | undefined;
    if (item === undefined) return;
    if (item.primary === true) demote(values);
    values.push(item);
    set(container, def.name, values);
    return;
  }
  for (const v of selected) {
    if (sub !== undefined) set(v, sub.name, replacement);
    else {
      const next =
        op === 'add'
          ? { ...v, ...((replacement as Json | undefined) ?? {}) }
          : ((replacement as Json | undefined) ?? {});
      for (const key of Object.keys(v)) delete v[key];
      Object.assign(v, next);
    }
  }
  if (selected.some((v) => v.primary === true)) {
    const first = selected.find((v) => v.primary === true);
    for (const v of values) if (v !== first) delete v.primary;
  }
  set(
    container,
    def.name,
    values.filter((v) => Object.keys(v).length > 0),
  );
}

function removeAttribute(
  container: Json,
  def: AttributeDef,
  sub: AttributeDef | undefined,
  value: unknown,
  index: number,
  where: string,
): void {
  if (sub !== undefined) {
    const current = container[def.name];
    if (isObject(current)) {
      delete current[sub.name];
      set(container, def.name, current);
    }
    return;
  }
  if (def.required)
    throw scimError('mutability', `${where} is required and cannot be removed (RFC 7644 §3.5.2.2)`, {
      operation: index,
    });
  if (def.multiValued && value !== undefined && value !== null) {
    // Entra ID: {"op":"Remove","path":"members","value":[{"value":"id"}]} removes those values.
    const items = (normalizeAttribute(def, value, where) as Json[] | undefined) ?? [];
    const within: AttrPath = { name: def.name };
    const filters = items.map((item) => itemFilter(item)).filter((f): f is Filter => f !== undefined);
    const current = Array.isArray(container[def.name]) ? (container[def.name] as Json[]) : [];
    set(
      container,
      def.name,
      current.filter((v) => !filters.some((f) => evaluateFilter(f, v, { within }))),
    );
    return;
  }
  delete container[def.name];
}

/** A filter matching values equal to `item` on every sub-attribute it gives. */
function itemFilter(item: Json): Filter | undefined {
  const terms: Filter[] = Object.entries(item)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'boolean')
    .map(([name, v]) => ({ type: 'compare', path: { name }, op: 'eq', value: v as string | boolean }));
  if (terms.length === 0) return undefined;
  return terms.length === 1 ? terms[0] : { type: 'and', filters: terms };
}

/** The sub-attribute values an `eq`-only filter pins (`type eq "work" and primary eq true`). */
function eqTerms(filter: Filter, def: AttributeDef): Json | undefined {
  if (filter.type === 'compare' && filter.op === 'eq' && filter.path.subAttr === undefined) {
    const sub = findAttribute(def.subAttributes ?? [], filter.path.name);
    if (sub === undefined || filter.value === null || typeof filter.value === 'number') return undefined;
    return { [sub.name]: filter.value };
  }
  if (filter.type === 'and') {
    const out: Json = {};
    for (const f of filter.filters) {
      const terms = eqTerms(f, def);
      if (terms === undefined) return undefined;
      Object.assign(out, terms);
    }
    return out;
  }
  return undefined;
}

function containerOf(resource: Json, extension: string | undefined): Json {
  if (extension === undefined) return resource;
  if (!isObject(resource[extension])) resource[extension] = {};
  return resource[extension] as Json;
}

/** Sets or, for an unassigned value (undefined, [], {}), deletes. */
function set(container: Json, key: string, value: unknown): void {
  const empty =
    value === undefined ||
    value === null ||
    (Array.isArray(value) && value.length === 0) ||
    (isObject(value) && Object.keys(value).length === 0);
  if (empty) delete container[key];
  else container[key] = value;
}

function demote(values: unknown[]): void {
  for (const v of values) if (isObject(v)) delete v.primary;
}

function pruneContainer(resource: Json, extension: string | undefined): void {
  if (
    extension !== undefined &&
    isObject(resource[extension]) &&
    Object.keys(resource[extension]).length === 0
  )
    delete resource[extension];
}

/** What the operations must leave: required attributes, bounded value counts, one primary each. */
function checkResult(resource: Json, schemas: ResourceSchemas): void {
  for (const def of schemas.core.attributes) {
    if (def.required && resource[def.name] === undefined)
      throw scimError('mutability', `${def.name} is required and cannot be removed`, { attribute: def.name });
    const values = resource[def.name];
    if (!def.multiValued || !Array.isArray(values)) continue;
    if (def.name !== 'members' && values.length > MAX_VALUES)
      throw scimError('invalidValue', `${def.name} holds at most ${MAX_VALUES} values`, {
        attribute: def.name,
      });
    if (values.filter((v) => isObject(v) && v.primary === true).length > 1)
      throw scimError('invalidValue', `at most one value of ${def.name} may be primary`, {
        attribute: def.name,
      });
  }
}
