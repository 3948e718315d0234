import { stringifyAttrPath, stringifyFilter } from '../filter/stringify.js';
import type { PatchPath } from './ast.js';

/** Prints a PATCH path in canonical form; `parsePath(stringifyPath(p))` equals `p`. */
export function stringifyPath(path: PatchPath): string {
  const attr = stringifyAttrPath(path.path);
  if (path.type === 'attribute') return attr;
  const sub = path.subAttr === undefined ? '' : `.${path.subAttr}`;
  return `${attr}[${stringifyFilter(path.filter)}]${sub}`;
}
