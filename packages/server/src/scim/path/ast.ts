import type { AttrPath, Filter } from '../filter/ast.js';

/**
 * A PATCH operation's target (RFC 7644 §3.5.2, figure 7: `PATH = attrPath / valuePath [subAttr]`):
 * `members`, `name.givenName`, `members[value eq "…"]`, `addresses[type eq "work"].streetAddress`.
 */
export type PatchPath = AttributePatchPath | ValuePatchPath;

/** `attrPath`: an attribute, a sub-attribute, or either behind a schema URN. */
export interface AttributePatchPath {
  readonly type: 'attribute';
  readonly path: AttrPath;
}

/**
 * `valuePath [subAttr]`: the values of the multi-valued attribute `path` that match `filter`
 * (evaluate it per value with `evaluateFilter(filter, value, { within: path })`), or their
 * sub-attribute `subAttr`.
 */
export interface ValuePatchPath {
  readonly type: 'valuePath';
  readonly path: AttrPath;
  readonly filter: Filter;
  readonly subAttr?: string;
}
