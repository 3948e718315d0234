/**
 * SCIM filters (RFC 7644 §3.4.2.2) as SQL, for SQLite and PostgreSQL alike, with the semantics
 * of `scim/filter/evaluate.ts` over the resources the SCIM surface renders:
 *
 * - attribute names are case-insensitive; strings compare case-insensitively unless the
 *   attribute is caseExact (`defaultCaseExact`): both sides are folded by JavaScript, the stored
 *   side at write time (filter-document.ts, the `*_lower` columns);
 * - a multi-valued attribute matches when any value does, and `ne` when any present value
 *   differs or none is present; `eq null` / `ne null` test absence / presence;
 * - every predicate is two-valued (no SQL NULL escapes), so `not (…)` negates exactly.
 *
 * Where the schema, not the value, decides: a string attribute compares as a string even when
 * both sides look like xsd:dateTime (the evaluator, having no schema, compares such strings as
 * instants); `meta.created` / `meta.lastModified` compare as instants and take dateTime values
 * only. Strings order by code point (COLLATE "C" on PostgreSQL; the evaluator's `<` orders by
 * UTF-16 unit, which differs only between astral characters and U+E000–U+FFFF).
 *
 * Attributes that have no SQL form here — unknown ones, `meta.location`, `meta.version`,
 * `schemas`, `groups.display`, `members.display`, … — are refused with `invalidFilter`, never
 * evaluated by scanning in memory.
 */
import { type SqlBool, sql } from 'kysely';
import { TesseraError } from '../../core/errors.js';
import type { AttrPath, CompareFilter, CompValue, Filter } from '../../scim/filter/ast.js';
import { ORDERING_OPERATORS, SUBSTRING_OPERATORS } from '../../scim/filter/ast.js';
import { defaultCaseExact } from '../../scim/filter/case-exact.js';
import { parseDateTime } from '../../scim/filter/date-time.js';
import { stringifyAttrPath } from '../../scim/filter/stringify.js';
import { COMMON } from '../../scim/schema/common.js';
import { type AttributeDef, findAttribute, type SchemaDef } from '../../scim/schema/types.js';
import type { StoreDialect } from '../schema.js';
import {
  and,
  type Bool,
  checkCombination,
  FALSE,
  instantMatch,
  invalidFilter,
  isNotNull,
  not,
  or,
  type Sql,
  TRUE,
  textMatch,
} from './scim-compare.js';
import { type ResourceMapping, type Scalar, type ScalarType, StoredSql } from './scim-mappings.js';

/** The values an attribute path names: one scalar or the scalars of several elements. */
interface Values {
  readonly type: ScalarType;
  /** True when some value satisfies `predicate`. */
  any(predicate: (value: Sql) => Bool): Bool;
  readonly bool?: (value: boolean) => Sql;
  /** `eq` through an index, where one holds these values (folded like the filter's value). */
  readonly equals?: (value: string) => Bool;
}

/** What a top-level attribute path resolves to. */
interface Target {
  /** The values compared (a complex attribute compares its `value` sub-attribute). */
  readonly values?: Values;
  /** RFC 7644 `pr`: the attribute has a non-empty value. */
  present(): Bool;
  /** For `attr[filter]`: some element (or the complex value) satisfies the filter. */
  elements?(predicate: (scope: Scope) => Bool): Bool;
  /** A single-valued scalar, usable for sortBy. */
  readonly sortable?: Scalar;
}

/** Resolves attribute names in a `[...]` filter: sub-attributes of one element. */
type Scope = (name: string, full: AttrPath) => Values;

/** Translates filters and sort keys of one resource type for one dialect. */
export class FilterTranslator {
  private readonly stored: StoredSql;

  constructor(
    private readonly dialect: StoreDialect,
    private readonly mapping: ResourceMapping,
  ) {
    this.stored = new StoredSql(dialect, mapping);
  }

  where(filter: Filter): Bool {
    return this.node(filter, undefined);
  }

  /** ORDER BY terms for `sortBy` (RFC 7644 §3.4.2.3): unassigned values last, then by id. */
  orderBy(path: AttrPath, descending: boolean): Sql {
    let target: Target | undefined;
    try {
      target = this.resolve(path);
    } catch {
      target = undefined;
    }
    const scalar = target?.sortable;
    if (scalar === undefined) {
      throw new TesseraError(
        'ERR_VALIDATION',
        `cannot sort by ${JSON.stringify(stringifyAttrPath(path))}: sortBy takes a single-valued attribute`,
        { scimType: 'invalidValue', detail: { attribute: stringifyAttrPath(path) } },
      );
    }
    const direction = descending ? sql`desc` : sql`asc`;
    return sql`(${scalar.expr} is null) asc, ${this.stored.ordered(scalar)} ${direction}, ${this.stored.column('id')} asc`;
  }

  private node(filter: Filter, scope: Scope | undefined): Bool {
    switch (filter.type) {
      case 'and':
        return and(filter.filters.map((f) => this.node(f, scope)));
      case 'or':
        return or(filter.filters.map((f) => this.node(f, scope)));
      case 'not':
        return not(this.node(filter.filter, scope));
      case 'present': {
        if (scope !== undefined) return scope(this.inner(filter.path), filter.path).any(isNotNull);
        return this.resolve(filter.path).present();
      }
      case 'compare': {
        checkCombination(filter);
        const values =
          scope !== undefined
            ? scope(this.inner(filter.path), filter.path)
            : this.resolve(filter.path).values;
        if (values === undefined)
          throw invalidFilter(
            `${JSON.stringify(stringifyAttrPath(filter.path))} is complex: compare one of its sub-attributes`,
            filter.path,
          );
        return this.compare(values, filter);
      }
      case 'valuePath': {
        if (scope !== undefined) throw invalidFilter('"[...]" cannot be nested', filter.path);
        const target = this.resolve(filter.path);
        if (target.elements === undefined)
          throw invalidFilter(
            `${JSON.stringify(stringifyAttrPath(filter.path))} is not a complex attribute`,
            filter.path,
          );
        return target.elements((inner) => this.node(filter.filter, inner));
      }
    }
  }

  /** A path inside `[...]` names one sub-attribute. */
  private inner(path: AttrPath): string {
    if (path.subAttr !== undefined)
      throw invalidFilter(
        `${JSON.stringify(stringifyAttrPath(path))}: a sub-attribute has no sub-attributes`,
        path,
      );
    return path.name;
  }

  /** The evaluator's `compare`, with values from SQL. */
  private compare(values: Values, filter: CompareFilter): Bool {
    const { op, value } = filter;
    const present = (v: Sql) => isNotNull(v);
    if (value === null) return op === 'eq' ? not(values.any(present)) : values.any(present);
    if (op === 'ne') {
      const differs = this.matches(values, 'eq', value, filter.path);
      return or([not(values.any(present)), values.any((v) => and([present(v), not(differs(v))]))]);
    }
    const matches = this.matches(values, op, value, filter.path);
    if (op === 'eq' && typeof value === 'string' && values.equals !== undefined)
      return values.equals(values.type === 'text' ? value.toLowerCase() : value);
    return values.any((v) => and([present(v), matches(v)]));
  }

  /** Whether one present value satisfies `op value` (the evaluator's `matches`). */
  private matches(
    values: Values,
    op: CompareFilter['op'],
    value: Exclude<CompValue, null>,
    path: AttrPath,
  ): (v: Sql) => Bool {
    const substring = SUBSTRING_OPERATORS.has(op);
    const ordering = ORDERING_OPERATORS.has(op);
    switch (values.type) {
      case 'boolean': {
        // RFC 7644 §3.4.2.2: ordering a boolean "SHALL cause a failed response"; the evaluator
        // refuses substring matches on one too.
        if (ordering || substring)
          throw invalidFilter(`"${op}" cannot be applied to the boolean attribute`, path);
        if (typeof value !== 'boolean') return () => FALSE;
        const literal = values.bool?.(value);
        if (literal === undefined) throw new TypeError('a boolean scalar needs its literals');
        return (v) => sql<SqlBool>`(${v} = ${literal})`;
      }
      case 'instant': {
        if (typeof value !== 'string') return () => FALSE;
        const instant = parseDateTime(value);
        if (instant === undefined || substring)
          throw invalidFilter(
            `${JSON.stringify(stringifyAttrPath(path))} is a dateTime: compare it with eq, ne, gt, ge, lt or le and an xsd:dateTime such as "2024-01-31T00:00:00Z"`,
            path,
          );
        return instantMatch(op, instant);
      }
      case 'text':
      case 'exact': {
        if (typeof value !== 'string') return () => FALSE;
        const s = values.type === 'text' ? value.toLowerCase() : value;
        return (v) => textMatch(this.dialect, op, v, s);
      }
    }
  }

  // ------------------------------------------------------------------ resolution

  private resolve(path: AttrPath): Target {
    const { schema, prefix } = this.schemaOf(path);
    const name = path.name.toLowerCase();
    const sub = path.subAttr?.toLowerCase();
    if (schema === this.mapping.core) {
      const column = this.mapping.columns[name];
      if (column !== undefined)
        return this.leaf(this.stored.scalar(this.stored.column(column.column), column.type, 'column'), path);
      if (name === 'meta') return this.meta(path);
      if (name === this.mapping.relation.attribute) return this.relation(path);
    }
    const def = findAttribute(schema.attributes, name);
    if (def === undefined || !this.mapping.document)
      throw invalidFilter(`unknown attribute ${JSON.stringify(stringifyAttrPath(path))}`, path);
    const key = prefix === undefined ? [name] : [prefix, name];
    const attributeKey = `${prefix === undefined ? '' : `${prefix}:`}${name}`;
    if (def.type !== 'complex') {
      return this.leaf(this.stored.scalar(this.stored.doc(key), scalarType(def, attributeKey), 'json'), path);
    }
    const subDef = (subName: string, full: AttrPath): { def: AttributeDef; key: string } => {
      const found = findAttribute(def.subAttributes ?? [], subName);
      if (found === undefined || found.mutability === 'readOnly')
        throw invalidFilter(`unknown attribute ${JSON.stringify(stringifyAttrPath(full))}`, full);
      return { def: found, key: `${attributeKey}.${found.name.toLowerCase()}` };
    };
    if (!def.multiValued) {
      const subScalar = (subName: string, full: AttrPath) => {
        const s = subDef(subName, full);
        return this.stored.scalar(
          this.stored.doc([...key, s.def.name.toLowerCase()]),
          scalarType(s.def, s.key),
          'json',
        );
      };
      const present = (): Bool => isNotNull(this.stored.docNode(key));
      if (sub !== undefined) return scalarTarget(subScalar(sub, path));
      const hasValue = findAttribute(def.subAttributes ?? [], 'value') !== undefined;
      return {
        ...(hasValue ? { values: single(subScalar('value', { ...path, subAttr: 'value' })) } : {}),
        present,
        elements: (predicate) =>
          and([present(), predicate((subName, full) => single(subScalar(subName, full)))]),
      };
    }
    // Multi-valued complex: the elements of a JSON array in the document.
    const each = (predicate: (element: Sql) => Bool): Bool => this.stored.exists(key, predicate);
    const elementScalar = (element: Sql, subName: string, full: AttrPath): Scalar => {
      const s = subDef(subName, full);
      return this.stored.scalar(
        this.stored.elementField(element, s.def.name.toLowerCase()),
        scalarType(s.def, s.key),
        'json',
      );
    };
    const valuesOf = (subName: string, full: AttrPath): Values => {
      const probe = elementScalar(sql`e`, subName, full);
      const indexed = this.mapping.indexed?.[subDef(subName, full).key];
      return {
        type: probe.type,
        ...(probe.bool ? { bool: probe.bool } : {}),
        ...(indexed === undefined
          ? {}
          : { equals: (s: string) => indexed(this.stored.column('id'), s, this.dialect) }),
        any: (predicate) => each((element) => predicate(elementScalar(element, subName, full).expr)),
      };
    };
    if (sub !== undefined)
      return { values: valuesOf(sub, path), present: () => valuesOf(sub, path).any(isNotNull) };
    const hasValue = findAttribute(def.subAttributes ?? [], 'value') !== undefined;
    return {
      ...(hasValue ? { values: valuesOf('value', { ...path, subAttr: 'value' }) } : {}),
      present: () => each(() => TRUE),
      elements: (predicate) =>
        each((element) => predicate((subName, full) => single(elementScalar(element, subName, full)))),
    };
  }

  private leaf(scalar: Scalar, path: AttrPath): Target {
    if (path.subAttr !== undefined)
      throw invalidFilter(
        `${JSON.stringify(path.name)} has no sub-attribute ${JSON.stringify(path.subAttr)}`,
        path,
      );
    return scalarTarget(scalar);
  }

  private schemaOf(path: AttrPath): { schema: SchemaDef; prefix?: string } {
    if (path.uri === undefined) return { schema: this.mapping.core };
    const uri = path.uri.toLowerCase();
    if (uri === this.mapping.core.id.toLowerCase()) return { schema: this.mapping.core };
    const extension = this.mapping.extensions.find((e) => e.id.toLowerCase() === uri);
    if (extension === undefined)
      throw invalidFilter(
        `unknown schema ${JSON.stringify(path.uri)} for ${this.mapping.resourceType}`,
        path,
      );
    return { schema: extension, prefix: uri };
  }

  /** `meta.created`, `meta.lastModified` (instants in columns) and the constant `meta.resourceType`. */
  private meta(path: AttrPath): Target {
    const sub = path.subAttr?.toLowerCase();
    if (sub === undefined) return { present: () => TRUE };
    if (sub === 'created' || sub === 'lastmodified') {
      const scalar: Scalar = {
        expr: this.stored.column(sub === 'created' ? 'created_at' : 'updated_at'),
        type: 'instant',
      };
      return { values: single(scalar), present: () => TRUE, sortable: scalar };
    }
    if (sub === 'resourcetype') {
      const scalar: Scalar = { expr: sql`cast(${this.mapping.resourceType} as text)`, type: 'exact' };
      return { values: single(scalar), present: () => TRUE };
    }
    const known = findAttribute(COMMON.find((a) => a.name === 'meta')?.subAttributes ?? [], sub);
    throw invalidFilter(
      known === undefined
        ? `unknown attribute ${JSON.stringify(stringifyAttrPath(path))}`
        : `filtering on ${JSON.stringify(stringifyAttrPath(path))} is not supported`,
      path,
    );
  }

  /** `groups` of a user / `members` of a group: rows of group_members; only `value` is filterable. */
  private relation(path: AttrPath): Target {
    const { self, other } = this.mapping.relation;
    const each = (predicate: (value: Sql) => Bool): Bool =>
      sql<SqlBool>`exists (select 1 from group_members gm where gm.${sql.raw(self)} = ${this.stored.column('id')} and ${predicate(sql.ref(`gm.${other}`))})`;
    // Ids are lower-case UUIDs and `value` is not caseExact: compared as folded text.
    const values: Values = { type: 'text', any: each };
    const scope: Scope = (name, full) => {
      if (name.toLowerCase() !== 'value')
        throw invalidFilter(
          `filtering on ${JSON.stringify(`${this.mapping.relation.attribute}.${name}`)} is not supported; use value`,
          full,
        );
      return values;
    };
    const sub = path.subAttr?.toLowerCase();
    if (sub !== undefined && sub !== 'value') scope(sub, path);
    return {
      values,
      present: () => each(() => TRUE),
      ...(sub === undefined
        ? { elements: (predicate: (s: Scope) => Bool) => each(() => predicate(scope)) }
        : {}),
    };
  }
}

const scalarTarget = (scalar: Scalar): Target => ({
  values: single(scalar),
  present: () => isNotNull(scalar.expr),
  sortable: scalar,
});

const single = (scalar: Scalar): Values => ({
  type: scalar.type,
  ...(scalar.bool ? { bool: scalar.bool } : {}),
  any: (predicate) => predicate(scalar.expr),
});

function scalarType(def: AttributeDef, attributeKey: string): ScalarType {
  if (def.type === 'boolean') return 'boolean';
  if (def.type === 'dateTime') return 'instant';
  return defaultCaseExact(attributeKey) ? 'exact' : 'text';
}
