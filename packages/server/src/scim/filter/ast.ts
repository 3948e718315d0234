/**
 * The SCIM filter AST (RFC 7644 §3.4.2.2, figure 1). `parseFilter` builds it, `stringifyFilter`
 * prints it back in canonical form, `evaluateFilter` runs it against a JSON resource. Later
 * layers (SQL translation, PATCH) switch on `type`.
 *
 * Spelling is kept as the client wrote it for attribute names and schema URNs (they are
 * case-insensitive, RFC 7644 §3.4.2.2; consumers compare them case-insensitively); operators are
 * lower-cased.
 */

/** `[URI ":"] ATTRNAME ["." subAttr]` — e.g. `urn:…:enterprise:2.0:User:manager.value`. */
export interface AttrPath {
  /** The schema URN prefix, without the final `:`; absent when the client wrote none. */
  readonly uri?: string;
  readonly name: string;
  readonly subAttr?: string;
}

export const COMPARE_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];

/** Operators that order values; RFC 7644 §3.4.2.2 refuses them on booleans (and binary). */
export const ORDERING_OPERATORS: ReadonlySet<CompareOperator> = new Set(['gt', 'ge', 'lt', 'le']);
/** Operators defined on strings only (substring matches). */
export const SUBSTRING_OPERATORS: ReadonlySet<CompareOperator> = new Set(['co', 'sw', 'ew']);

/** `compValue = false / null / true / number / string` — JSON values (RFC 8259). */
export type CompValue = string | number | boolean | null;

/** `attrPath SP compareOp SP compValue` */
export interface CompareFilter {
  readonly type: 'compare';
  readonly path: AttrPath;
  readonly op: CompareOperator;
  readonly value: CompValue;
}

/** `attrPath SP "pr"` */
export interface PresentFilter {
  readonly type: 'present';
  readonly path: AttrPath;
}

/** Two or more operands joined by `and`; `(a and b) and c` keeps its grouping as a nested node. */
export interface AndFilter {
  readonly type: 'and';
  readonly filters: readonly Filter[];
}

/** Two or more operands joined by `or`. */
export interface OrFilter {
  readonly type: 'or';
  readonly filters: readonly Filter[];
}

/** `"not" "(" FILTER ")"` */
export interface NotFilter {
  readonly type: 'not';
  readonly filter: Filter;
}

/**
 * `attrPath "[" valFilter "]"`: matches when one value of the multi-valued complex attribute
 * `path` satisfies `filter`, whose attribute paths name sub-attributes of `path`.
 */
export interface ValuePathFilter {
  readonly type: 'valuePath';
  readonly path: AttrPath;
  readonly filter: Filter;
}

export type Filter = CompareFilter | PresentFilter | AndFilter | OrFilter | NotFilter | ValuePathFilter;
