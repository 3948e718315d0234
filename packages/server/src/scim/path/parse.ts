import { type ParseLimits, resolveLimits } from '../filter/limits.js';
import { Parser } from '../filter/parser.js';
import type { PatchPath } from './ast.js';

const SUB_ATTR = /[A-Za-z$][A-Za-z0-9_-]*/y;
const ATTR_START = /^[A-Za-z$]/;

/**
 * Parses a PATCH `path` (RFC 7644 §3.5.2): `attrPath` or `attrPath "[" valFilter "]" ["." ATTRNAME]`,
 * with no whitespace outside the brackets (a path is one JSON string, not a filter).
 *
 * Errors are `ERR_VALIDATION` with `detail.position`; their scimType follows RFC 7644 §3.12:
 * `invalidPath` for the path's own shape, `invalidFilter` for the filter between the brackets
 * (the table there lists invalidFilter for "PATCH (Path Filter)").
 *
 * @throws TypeError when `input` is not a string or the limits are not positive integers.
 */
export function parsePath(input: string, limits?: ParseLimits): PatchPath {
  if (typeof input !== 'string') throw new TypeError('a PATCH path must be a string');
  const resolved = resolveLimits(limits);
  Parser.checkLength(input, resolved, 'invalidPath', 'path');
  // Annotated so that `parser.fail(…)` (which returns never) narrows types after it.
  const parser: Parser = new Parser(input, resolved, 'invalidPath');
  // The lexer would read "1abc" as a number; a path starts with a name or nothing at all.
  const first = ATTR_START.test(input) ? parser.lexer.next() : undefined;
  if (first?.kind !== 'word')
    parser.fail(
      `expected an attribute path at position 0, found ${input.length === 0 ? 'end of input' : JSON.stringify(input.slice(0, 1))}`,
      0,
    );
  const path = parser.attrPath(first, false);
  if (first.end === input.length) return { type: 'attribute', path };
  if (input[first.end] !== '[')
    parser.fail(
      `expected "[" or end of path at position ${first.end}, found ${JSON.stringify(input.slice(first.end, first.end + 1))}`,
      first.end,
    );
  if (path.subAttr !== undefined)
    parser.fail(
      `expected end of path at position ${first.end}, found "[" ("[...]" follows a multi-valued attribute, not a sub-attribute)`,
      first.end,
    );
  const open = parser.lexer.next();
  parser.scimType = 'invalidFilter';
  parser.enter(open.start);
  const filter = parser.parseFilter(true);
  const close = parser.expectClose(']', open.start);
  parser.leave();
  parser.scimType = 'invalidPath';
  let i = close.end;
  if (i === input.length) return { type: 'valuePath', path, filter };
  if (input[i] !== '.')
    parser.fail(
      `expected "." or end of path at position ${i}, found ${JSON.stringify(input.slice(i, i + 1))}`,
      i,
    );
  i++;
  SUB_ATTR.lastIndex = i;
  const match = SUB_ATTR.exec(input);
  if (match === null)
    parser.fail(
      `expected a sub-attribute name at position ${i}, found ${i === input.length ? 'end of input' : JSON.stringify(input.slice(i, i + 1))}`,
      i,
    );
  const subAttr = match[0];
  const end = i + subAttr.length;
  if (end !== input.length)
    parser.fail(
      `expected end of path at position ${end}, found ${JSON.stringify(input.slice(end, end + 1))}`,
      end,
    );
  return { type: 'valuePath', path, filter, subAttr };
}
