import type { AttrPath, CompValue, Filter } from './ast.js';

export function stringifyAttrPath(path: AttrPath): string {
  const uri = path.uri === undefined ? '' : `${path.uri}:`;
  const sub = path.subAttr === undefined ? '' : `.${path.subAttr}`;
  return `${uri}${path.name}${sub}`;
}

function stringifyValue(value: CompValue): string {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError(`a filter value must be a finite number, got ${value}`);
  return JSON.stringify(value);
}

/**
 * Prints a filter AST in canonical form: lower-case operators, single spaces, JSON values,
 * `not (…)`, and parentheses exactly where the AST nests a logical node inside another that
 * the precedence rules would not reproduce, so `parseFilter(stringifyFilter(ast))` equals `ast`.
 */
export function stringifyFilter(filter: Filter): string {
  switch (filter.type) {
    case 'compare':
      return `${stringifyAttrPath(filter.path)} ${filter.op} ${stringifyValue(filter.value)}`;
    case 'present':
      return `${stringifyAttrPath(filter.path)} pr`;
    case 'not':
      return `not (${stringifyFilter(filter.filter)})`;
    case 'valuePath':
      return `${stringifyAttrPath(filter.path)}[${stringifyFilter(filter.filter)}]`;
    case 'and':
      return filter.filters
        .map((f) => (f.type === 'and' || f.type === 'or' ? `(${stringifyFilter(f)})` : stringifyFilter(f)))
        .join(' and ');
    case 'or':
      return filter.filters
        .map((f) => (f.type === 'or' ? `(${stringifyFilter(f)})` : stringifyFilter(f)))
        .join(' or ');
  }
}
