import type { AttrPath, CompareFilter, CompareOperator, CompValue, Filter } from './ast.js';
import { ORDERING_OPERATORS, SUBSTRING_OPERATORS } from './ast.js';
import { type CaseExact, defaultCaseExact } from './case-exact.js';
import { compareInstants, parseDateTime } from './date-time.js';
import { unsupportedComparison } from './errors.js';
import { stringifyAttrPath } from './stringify.js';

export interface EvaluateOptions {
  /** Which string attributes compare case-sensitively; defaults to `defaultCaseExact` (RFC 7643). */
  caseExact?: CaseExact;
  /**
   * The multi-valued attribute `resource` is one value of, when evaluating a bracket filter
   * on its own (PATCH `emails[type eq "work"]`: pass each email with `within: path`). Attribute
   * paths are then sub-attributes of it, and a simple value (a string in `schemas`) reads as
   * `{ value: … }`.
   */
  within?: AttrPath;
}

type Json = Record<string, unknown>;

interface Context {
  readonly caseExact: CaseExact;
  readonly within: AttrPath | undefined;
}

const CORE_SCHEMA_PREFIX = 'urn:ietf:params:scim:schemas:core:2.0:';

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An own property, matched case-insensitively (RFC 7644 §3.4.2.2: attribute names are case insensitive). */
function lookup(container: unknown, name: string): unknown {
  if (!isObject(container)) return undefined;
  if (Object.hasOwn(container, name)) return container[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(container)) if (key.toLowerCase() === lower) return container[key];
  return undefined;
}

/**
 * Where a URN-prefixed attribute lives: extension attributes under the URN's own key
 * (RFC 7643 §3.3), core attributes at the top (RFC 7644 §3.10). A URN that is neither a core
 * schema, nor a key, nor listed in `schemas` names nothing in this resource.
 */
function container(resource: Json, uri: string | undefined): Json | undefined {
  if (uri === undefined) return resource;
  const extension = lookup(resource, uri);
  if (isObject(extension)) return extension;
  const lower = uri.toLowerCase();
  if (lower.startsWith(CORE_SCHEMA_PREFIX)) return resource;
  const schemas = lookup(resource, 'schemas');
  if (Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === lower))
    return resource;
  return undefined;
}

/** The `CaseExact` key: lower-case, URN only for extensions. */
function attributeKey(path: AttrPath, within: AttrPath | undefined): string {
  const own = `${path.name}${path.subAttr === undefined ? '' : `.${path.subAttr}`}`.toLowerCase();
  if (within !== undefined) return `${attributeKey(within, undefined)}.${own}`;
  const uri = path.uri?.toLowerCase();
  return uri === undefined || uri.startsWith(CORE_SCHEMA_PREFIX) ? own : `${uri}:${own}`;
}

/**
 * Every value `path` names, multi-valued attributes flattened: "if any of the values of the
 * specified attribute match …, the filter matches" (RFC 7644 §3.4.2.2).
 */
function valuesAt(resource: Json, path: AttrPath, within: AttrPath | undefined): unknown[] {
  const values: unknown[] = [];
  const add = (value: unknown) => {
    if (Array.isArray(value)) for (const v of value) values.push(v);
    else values.push(value);
  };
  const base = within === undefined ? container(resource, path.uri) : resource;
  const top = lookup(base, path.name);
  if (path.subAttr === undefined) add(top);
  else for (const item of Array.isArray(top) ? top : [top]) add(lookup(item, path.subAttr));
  return values;
}

/**
 * `pr`: "the attribute has a non-empty value, or … contains a non-empty node for complex
 * attributes" (RFC 7644 §3.4.2.2). null, "", [] and {} (or objects of only those) are absent
 * (RFC 7643 §2.5). Iterative so that no resource shape can exhaust the stack.
 */
function isPresent(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') {
      if (v.length > 0) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) pending.push(item);
    } else if (isObject(v)) {
      for (const key of Object.keys(v)) pending.push(v[key]);
    } else {
      return true;
    }
  }
  return false;
}

function checkCombination(filter: CompareFilter): void {
  const { op, value } = filter;
  const detail = { attribute: stringifyAttrPath(filter.path), operator: op };
  if (ORDERING_OPERATORS.has(op) && (typeof value === 'boolean' || value === null))
    throw unsupportedComparison(
      `"${op}" orders strings, numbers and dateTimes, not ${String(value)}`,
      detail,
    );
  if (SUBSTRING_OPERATORS.has(op) && typeof value !== 'string')
    throw unsupportedComparison(`"${op}" matches strings, not ${JSON.stringify(value)}`, detail);
}

const orderingHolds = (op: CompareOperator, order: number): boolean =>
  op === 'gt' ? order > 0 : op === 'ge' ? order >= 0 : op === 'lt' ? order < 0 : order <= 0;

/** One attribute value against the filter's value; `ne` is handled by the caller as "not eq". */
function matches(filter: CompareFilter, attribute: unknown, exact: boolean): boolean {
  const { op, value } = filter;
  const substring = SUBSTRING_OPERATORS.has(op);
  const ordering = ORDERING_OPERATORS.has(op);
  if (typeof attribute === 'boolean' || typeof attribute === 'number') {
    // RFC 7644 §3.4.2.2: gt/ge/lt/le on a boolean attribute "SHALL cause a failed response".
    if ((typeof attribute === 'boolean' && ordering) || substring)
      throw unsupportedComparison(`"${op}" cannot be applied to the ${typeof attribute} attribute`, {
        attribute: stringifyAttrPath(filter.path),
        operator: op,
      });
    if (typeof value !== typeof attribute) return false;
    if (!ordering) return attribute === value;
    return orderingHolds(op, (attribute as number) - (value as number));
  }
  if (typeof attribute !== 'string' || typeof value !== 'string') return false;
  if (!substring) {
    const a = parseDateTime(attribute);
    const b = a === undefined ? undefined : parseDateTime(value);
    if (a !== undefined && b !== undefined) {
      const order = compareInstants(a, b);
      return ordering ? orderingHolds(op, order) : order === 0;
    }
  }
  const x = exact ? attribute : attribute.toLowerCase();
  const y = exact ? value : value.toLowerCase();
  switch (op) {
    case 'co':
      return x.includes(y);
    case 'sw':
      return x.startsWith(y);
    case 'ew':
      return x.endsWith(y);
    case 'eq':
    case 'ne':
      return x === y;
    default:
      return orderingHolds(op, x === y ? 0 : x < y ? -1 : 1);
  }
}

function compare(filter: CompareFilter, resource: Json, ctx: Context): boolean {
  checkCombination(filter);
  // A complex value compared without a sub-attribute compares its "value" sub-attribute,
  // as in RFC 7644 §3.4.2.2's `emails co "example.com"`.
  const values = valuesAt(resource, filter.path, ctx.within).map((v) =>
    isObject(v) ? lookup(v, 'value') : v,
  );
  const value: CompValue = filter.value;
  // RFC 7643 §2.5: unassigned, null and [] are the same state, so `eq null` means "not present".
  if (value === null) return (filter.op === 'eq') !== values.some(isPresent);
  const present = values.filter((v) => v !== undefined && v !== null);
  const exact = ctx.caseExact(attributeKey(filter.path, ctx.within));
  if (filter.op === 'ne')
    return present.length === 0 || present.some((v) => !matches({ ...filter, op: 'eq' }, v, exact));
  return present.some((v) => matches(filter, v, exact));
}

function test(filter: Filter, resource: Json, ctx: Context): boolean {
  switch (filter.type) {
    case 'and':
      return filter.filters.every((f) => test(f, resource, ctx));
    case 'or':
      return filter.filters.some((f) => test(f, resource, ctx));
    case 'not':
      return !test(filter.filter, resource, ctx);
    case 'present':
      return valuesAt(resource, filter.path, ctx.within).some(isPresent);
    case 'compare':
      return compare(filter, resource, ctx);
    case 'valuePath': {
      const items = valuesAt(resource, filter.path, ctx.within);
      const inner: Context = { caseExact: ctx.caseExact, within: filter.path };
      return items.some(
        (item) => item !== undefined && item !== null && test(filter.filter, asResource(item), inner),
      );
    }
  }
}

const asResource = (item: unknown): Json => (isObject(item) ? item : { value: item });

/**
 * Whether a JSON resource matches a filter, with SCIM semantics (RFC 7644 §3.4.2.2):
 * attribute names case-insensitive; strings case-insensitive unless the attribute is caseExact;
 * any value of a multi-valued attribute may match; two xsd:dateTime strings compare as
 * instants; `ne` matches an absent attribute; `eq null` / `ne null` test absence / presence.
 *
 * @throws TesseraError `ERR_VALIDATION`, scimType `invalidFilter`, for comparisons SCIM does not
 *   define: gt/ge/lt/le on booleans, co/sw/ew on anything but strings.
 * @throws TypeError when `resource` is not a JSON object (and `within` is not set).
 */
export function evaluateFilter(filter: Filter, resource: unknown, options: EvaluateOptions = {}): boolean {
  if (options.within === undefined && !isObject(resource))
    throw new TypeError('a filter is evaluated against a JSON object');
  const ctx: Context = { caseExact: options.caseExact ?? defaultCaseExact, within: options.within };
  return test(filter, asResource(resource), ctx);
}
